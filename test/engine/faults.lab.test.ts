// Issue 5, "Faults": the built CLI against the lab while things go wrong on a
// host or to the wizard itself. Every case must end either verified or with a
// clear failure that `apply --resume` gets past once the fault is gone, and no
// file on any host may be left half-edited: each file the wizard wrote is, at
// every moment we look, its old content or its new one. Needs root and a
// built dist/; skipped with the reason printed otherwise.
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse as parseYaml} from 'yaml';
import {repoDir} from '../lab/config.js';
import {cli, labCluster} from '../lab/lab-cluster.js';
import {receivedCommands, writtenPaths} from '../lab/received-commands.js';
import {labSkipReason} from '../lab/skip.js';
import {sleep} from '../lab/system.js';
import {assertVerifiedCluster} from '../lab/verified.js';

const skipReason = labSkipReason('test/engine/faults.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

/** A temp file of files.ts's write script: `.ha-wizard.` and six random characters. */
const tempFile = /\/\.ha-wizard\.[A-Za-z0-9]{6}$/;

/** Every file under the directories the wizard writes to, by path, as its SHA-256. */
const snapshot = async (c: ReturnType<typeof labCluster>, host: string) => {
  const listing = await c.ok(
    host,
    'find /etc /usr/local -xdev -type f -print0 | xargs -0 sha256sum --',
  );
  return new Map(
    listing
      .trim()
      .split('\n')
      .map((line) => [line.slice(66), line.slice(0, 64)] as const),
  );
};

type Snapshot = Map<string, string>;

/** Waits (up to 3 s) for write scripts the kill cut off to end, then snapshots every host. */
const settledSnapshots = async (c: ReturnType<typeof labCluster>) => {
  const snapshots = new Map<string, Snapshot>();
  for (const host of c.hosts) {
    for (let i = 0; i < 30; i++) {
      const temp = await c.ok(host, "find /etc /usr/local -xdev -name '.ha-wizard.??????'");
      if (temp.trim() === '') break;
      await sleep(100);
    }
    snapshots.set(host, await snapshot(c, host));
  }
  return snapshots;
};

describe.skipIf(skipReason !== undefined)(
  'faults on a host during apply: disk full, a command hanging past its timeout (root)',
  () => {
    const c = labCluster({workers: ['w1'], upArgs: ['--control-planes', '3', '--workers', '1']});
    const {ok, sh, apply} = c;

    it("w1's /etc/containerd is full: apply fails there in one clear step, the old config stays whole", async () => {
      // A 64 KiB tmpfs over w1's /etc/containerd (its own mount namespace), holding
      // the same files, then filled to the last block.
      await ok(
        'w1',
        [
          'set -e',
          'keep=$(mktemp -d)',
          'cp -a /etc/containerd/. "$keep"/',
          'mount -t tmpfs -o size=64k hwlab-full /etc/containerd',
          'cp -a "$keep"/. /etc/containerd/',
          'dd if=/dev/zero of=/etc/containerd/.filler bs=4k 2>/dev/null || true',
        ].join('\n'),
      );
      const before = await ok('w1', 'sha256sum /etc/containerd/config.toml');
      const run = await apply();
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).toBe(1);
      expect(output).toContain('containerd failed on w1');
      expect(output).toContain(
        'command: (an atomic write of /etc/containerd/config.toml, as root)',
      );
      expect(output).toContain('writing /etc/containerd/config.toml on w1 failed');
      expect(output).toContain('No space left on device');
      expect(output).toContain('--resume');
      // The old file, whole; no temp file left behind; the other hosts got theirs.
      expect(await ok('w1', 'sha256sum /etc/containerd/config.toml')).toBe(before);
      expect(await ok('w1', 'ls -A /etc/containerd')).not.toMatch(/\.ha-wizard\.[A-Za-z0-9]{6}\n/);
      expect(await ok('cp1', 'cat /etc/containerd/config.toml')).toMatch(/SystemdCgroup = true/);
      // Space again: the next fault case goes on from here.
      await ok('w1', 'rm /etc/containerd/.filler');
    }, 180_000);

    it('`tailscale set` hangs on w1: stopped at --command-timeout, named, the process gone; once it answers, --resume finishes', async () => {
      // A wedged tailscaled, as the CLI meets it: `tailscale set` never returns. The rest
      // of tailscale answers (sudo's PATH has /usr/local/bin first, as on Debian).
      await ok(
        'w1',
        [
          'cat > /usr/local/bin/tailscale <<"EOF"',
          '#!/bin/sh',
          'if [ "$1" = set ]; then exec sleep 3600; fi',
          'exec /usr/bin/tailscale "$@"',
          'EOF',
          'chmod 755 /usr/local/bin/tailscale',
        ].join('\n'),
      );
      const t0 = performance.now();
      const run = await apply('--resume', '--command-timeout', '5');
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).toBe(1);
      expect(output).toMatch(
        /`(sudo )?(\/\S+\/)?tailscale set [^`]*` on w1 did not finish within 5 s and was stopped/,
      );
      expect(output).toContain('--resume');
      // Well before the default limit (300 s): the flag took effect.
      expect(performance.now() - t0).toBeLessThan(120_000);
      // Nothing of the hung command is left running on w1.
      let left = '';
      for (let i = 0; i < 30; i++) {
        left = (await sh('w1', 'pgrep -af "^sleep 3600" || true')).stdout.trim();
        if (left === '') break;
        await sleep(100);
      }
      expect(left).toBe('');

      await ok('w1', 'rm /usr/local/bin/tailscale');
      const last = await apply('--resume');
      expect(last.code, `${last.stdout}\n${last.stderr}`).toBe(0);
      await assertVerifiedCluster(c);
    }, 300_000);
  },
);

describe.skipIf(skipReason !== undefined)(
  'ha-wizard apply killed with SIGKILL at 20 seeded points, each followed by --resume (root)',
  () => {
    const c = labCluster({workers: ['w1'], upArgs: ['--control-planes', '3', '--workers', '1']});
    const phases = [
      'preflight',
      'containerd',
      'tailscale-flags',
      'vip',
      'route-approval',
      'kubeadm-init',
      'health-gate',
      'join-control-planes',
      'join-workers',
      'cilium',
      'verify',
      'kubeconfig',
    ];
    /** The phases that write files on a host: each is hit at least once. */
    const writing = [
      'containerd',
      'vip',
      'health-gate',
      'join-control-planes',
      'join-workers',
      'cilium',
      'kubeconfig',
    ];
    /**
     * Kill point n: a phase, and how many commands of it reach the hosts first (0 or 1: a small
     * LCG, so a failure can be replayed). Every phase once, the writing ones once more, then
     * one more each for the longest ones; in phase order, so each resume gets further.
     */
    const killPoint = (seed: number, phase: string) => {
      const next = (x: number) => (x * 1103515245 + 12345) % 2 ** 31;
      // The high bits: an LCG's low bits repeat with a short period.
      return {seed, phase, commands: (next(next(seed)) >>> 16) % 2};
    };
    const aimed = [...phases, ...writing, 'kubeadm-init'];
    const points = aimed
      .map((phase, i) => killPoint(i + 1, phase))
      .sort((x, y) => phases.indexOf(x.phase) - phases.indexOf(y.phase));
    const savedRun = () => {
      try {
        return JSON.parse(
          readFileSync(join(c.scratch(), 'state/ha-wizard/clusters/homelab.json'), 'utf8'),
        ) as {status: string; currentPhase?: string; pid?: number};
      } catch {
        return undefined; // not written yet, or being replaced
      }
    };

    it('each resume goes on from where the kill left the hosts; every file is old or new at every kill; the last run ends verified', async () => {
      const before = await settledSnapshots(c);
      const atKills: Array<Map<string, Snapshot>> = [];
      const kubeconfigs: Array<string | undefined> = [];
      const landed: string[] = [];
      const killedIns: Array<string | undefined> = [];
      const commandCount = () =>
        c.hosts.reduce((sum, host) => sum + receivedCommands(c.lab().labDir, host).length, 0);
      for (const [index, point] of points.entries()) {
        const argv = c.applyArgv(index === 0 ? [] : ['--resume']);
        const child = spawn(argv[0]!, argv.slice(1), {cwd: repoDir, env: c.env(), stdio: 'ignore'});
        const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
        let killedIn: string | undefined;
        const t0 = performance.now();
        // Killed on the run's own events, not on a clock: once the saved run says the phase has
        // begun, after the point's number of commands of that phase have reached the hosts.
        while (
          killedIn === undefined &&
          child.exitCode === null &&
          performance.now() - t0 < 120_000
        ) {
          const saved = savedRun();
          if (saved?.pid === child.pid && saved?.currentPhase === point.phase) {
            const start = commandCount();
            while (
              commandCount() - start < point.commands &&
              savedRun()?.currentPhase === point.phase &&
              child.exitCode === null
            )
              await sleep(5);
            killedIn = savedRun()?.currentPhase;
            child.kill('SIGKILL');
          } else await sleep(10);
        }
        const code = await exited;
        landed.push(
          `seed ${point.seed} ${point.phase}+${point.commands} commands${killedIn === undefined ? ` (exited ${code} first)` : `: killed in ${killedIn}`}`,
        );
        killedIns.push(killedIn);
        atKills.push(await settledSnapshots(c));
        const kubeconfig = join(c.scratch(), 'kubeconfig');
        kubeconfigs.push(existsSync(kubeconfig) ? readFileSync(kubeconfig, 'utf8') : undefined);
      }
      console.log(`kill points: ${landed.join('; ')}`);
      // Each kill landed in the phase it aimed at, and every phase that writes files was hit.
      expect(killedIns, landed.join('; ')).toEqual(points.map((point) => point.phase));
      for (const phase of writing) expect(killedIns).toContain(phase);

      const last = await c.apply('--resume');
      expect(last.code, `${last.stdout}\n${last.stderr}`).toBe(0);
      expect(savedRun()?.status).toBe('finished');
      await assertVerifiedCluster(c);
      const after = await settledSnapshots(c);

      // Old or new: at every kill, each file the wizard ever wrote on a host is what it
      // was before the first run or what it is at the end, and no temp file is left.
      let checked = 0;
      for (const host of c.hosts) {
        const written = writtenPaths(receivedCommands(c.lab().labDir, host));
        expect(written.length, host).toBeGreaterThan(0);
        const old = before.get(host) as Snapshot;
        const final = after.get(host) as Snapshot;
        for (const [i, snapshots] of atKills.entries()) {
          const now = snapshots.get(host) as Snapshot;
          expect(
            [...now.keys()].filter((path) => tempFile.test(path)),
            `${host} at kill ${i + 1}`,
          ).toEqual([]);
          for (const path of written) {
            checked++;
            expect(
              [old.get(path), final.get(path)],
              `${host}:${path} at kill ${i + 1} (${landed[i]})`,
            ).toContain(now.get(path));
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
      // The workstation's kubeconfig, too: absent, or a whole YAML document.
      for (const text of kubeconfigs)
        if (text !== undefined) expect(parseYaml(text)).toHaveProperty('clusters');

      // And the run after that is a plain re-run: nothing to resume, nothing to change.
      const again = await c.apply();
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(again.stdout).toContain('nothing needed changing');
    }, 900_000);
  },
);
