// STYLE.md: files that import each other should give what they share a module
// of its own. This reads every import (static, dynamic and type-only) of the
// product's sources and names any circle, so a new one fails the suite.
import {readFileSync, readdirSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const filesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir), {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

const importPattern = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.[^'"]+)['"]/gm;

/** The repo-relative files `file` imports, with `.js` specifiers mapped back to their sources. */
const importsOf = (file: string, known: ReadonlySet<string>): string[] => {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const target = relative(root, resolve(root, dirname(file), match[1]!));
    const source = [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')].find((name) =>
      known.has(name),
    );
    if (source) found.push(source);
  }
  return found;
};

/** Every circle, each as the path that closes it (first file repeated at the end). */
const circles = (graph: ReadonlyMap<string, readonly string[]>): string[][] => {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) walk(file, []);
  return found;
};

describe('imports', () => {
  const files = [...filesUnder('source'), ...filesUnder('screens')];
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file, known)]));

  test('the reader sees the imports it is meant to (so the next test can fail)', () => {
    expect(graph.get('source/commands/reset.ts')).toContain('source/commands/shared.ts');
    expect(graph.get('source/cli.ts')).toContain('source/commands/apply.ts'); // a dynamic import
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'a']]);
  });

  test('no source file imports itself through others', () => {
    expect(circles(graph).map((circle) => circle.join(' → '))).toEqual([]);
  });
});
