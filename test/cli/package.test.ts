// `npx ha-wizard` should install nothing but itself: the bundle carries its code.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the published package', () => {
  it('packs only the bundle, installs with no dependency tree, and runs', () => {
    const work = mkdtempSync(join(tmpdir(), 'ha-wizard-pack-'));
    // The bundle is already built by the test setup; skip prepack's rebuild.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as Array<{filename: string; files: Array<{path: string}>}>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ]);
    expect(files).toContain('dist/cli.js');

    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    // An empty project of its own, so npm installs here and not in a parent folder.
    execFileSync('npm', ['init', '-y'], {cwd: app, stdio: 'ignore'});
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', join(work, packed[0]!.filename)],
      {cwd: app, stdio: 'ignore'},
    );
    expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([
      'ha-wizard',
    ]);

    const bin = join(app, 'node_modules', '.bin', 'ha-wizard');
    expect(execFileSync(bin, ['--version'], {encoding: 'utf8'}).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const plan = JSON.parse(
      execFileSync(bin, ['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--json'], {
        encoding: 'utf8',
      }),
    ) as {ok: boolean};
    expect(plan.ok).toBe(true);
  });
});
