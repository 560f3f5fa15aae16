import {parseHujson} from '../support/hujson.js';
import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse as parseIni} from 'ini';
import {parse as parseToml} from 'smol-toml';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {generateArtifacts} from '../../source/core/artifacts/index.js';
import {goldenCases} from './artifacts-plans.js';

// Golden files are the spec: read them, check them against DOMAIN.md, and
// rewrite them on purpose with `UPDATE_GOLDEN=1 npx vitest run test/core/artifacts.test.ts`.
const goldenRoot = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

const filesUnder = (root: string): string[] => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, {withFileTypes: true}).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
    );
  try {
    return walk(root).sort();
  } catch {
    return [];
  }
};

/** keepalived.conf's blocks, checked to open and close in pairs; throws on a stray brace. */
const keepalivedBlocks = (content: string): number => {
  let depth = 0;
  let blocks = 0;
  for (const raw of content.split('\n')) {
    const text = raw.replace(/[#!].*$/, '').trim();
    if (text.endsWith('{')) {
      depth += 1;
      blocks += 1;
    } else if (text === '}') depth -= 1;
    if (depth < 0) throw new Error('a } without its {');
  }
  if (depth !== 0) throw new Error('a { without its }');
  return blocks;
};

/** haproxy.cfg's section lines; every other line is indented under one. */
const haproxySections = (content: string): string[] => {
  const sections: string[] = [];
  for (const line of content.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (/^\S/.test(line)) sections.push(line);
    else if (sections.length === 0) throw new Error(`"${line}" before any section`);
  }
  return sections;
};

describe.each(Object.entries(goldenCases))('golden case %s', (name, plan) => {
  const caseRoot = join(goldenRoot, name);
  const artifacts = generateArtifacts(plan);

  if (update) {
    rmSync(caseRoot, {recursive: true, force: true});
    for (const artifact of artifacts) {
      const file = join(caseRoot, artifact.path);
      mkdirSync(dirname(file), {recursive: true});
      writeFileSync(file, artifact.content);
    }
  }

  it('has exactly the golden files, no missing and no extra one', () => {
    expect(artifacts.map((artifact) => artifact.path).sort()).toEqual(filesUnder(caseRoot));
  });

  it.each(artifacts.map((artifact) => [artifact.path, artifact] as const))(
    '%s matches its golden file',
    (_path, artifact) => {
      expect(artifact.content).toBe(readFileSync(join(caseRoot, artifact.path), 'utf8'));
    },
  );

  it('gives every artifact a unique path, a short title and content ending in a newline', () => {
    expect(new Set(artifacts.map((artifact) => artifact.path)).size).toBe(artifacts.length);
    for (const artifact of artifacts) {
      expect(artifact.title.length).toBeGreaterThan(0);
      expect(artifact.title.length).toBeLessThanOrEqual(80);
      expect(artifact.content.endsWith('\n')).toBe(true);
    }
  });

  it('emits files that their own format parses', () => {
    for (const artifact of artifacts) {
      const {path, content} = artifact;
      if (path.endsWith('.yaml')) {
        for (const document of parseAllDocuments(content, {version: '1.1'}))
          expect(document.errors).toEqual([]);
      } else if (path.endsWith('.toml')) {
        expect(() => parseToml(content)).not.toThrow();
      } else if (path.endsWith('.hujson')) {
        expect(() => parseHujson(content)).not.toThrow();
      } else if (
        path.endsWith('.netdev') ||
        path.endsWith('.network') ||
        path.endsWith('.service')
      ) {
        expect(Object.keys(parseIni(content)).length).toBeGreaterThan(0);
      } else if (path.endsWith('.sh') || path.endsWith('.env')) {
        // The health gate's .env is sourced by sh, so it must parse as sh too.
        // `sh -n` reads without running: a syntax error here is a quoting bug.
        expect(() => execFileSync('sh', ['-n'], {input: content})).not.toThrow();
      } else if (path.endsWith('.conf')) {
        expect(keepalivedBlocks(content)).toBeGreaterThan(0);
      } else if (path.endsWith('.cfg')) {
        expect(haproxySections(content)).toContain('backend apiserverbackend');
      } else {
        throw new Error(`no format check for ${path}`);
      }
    }
  });
});
