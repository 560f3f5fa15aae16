// The health gate script itself, run by /bin/sh with stub curl, ip and
// tailscale first on PATH: the stubs record their argv, curl answers from a
// script of responses, ip keeps the VIP's presence in a file.
import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
  healthGateEnv,
  healthGateScript,
  healthGateUnit,
} from '../../source/core/artifacts/health-gate.js';

const stubs = {
  curl: `#!/bin/sh
echo "curl $*" >> "$STUB/calls"
n=$(cat "$STUB/curl-n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STUB/curl-n"
case $(sed -n "\${n}p" "$STUB/curl-answers") in
  ok) printf ok ;;
  notready) printf '[-]etcd failed: reason withheld'; exit 0 ;;
  *) exit 7 ;;
esac
`,
  ip: `#!/bin/sh
case "$*" in
  "-o -4 addr show dev lo1")
    [ -e "$STUB/vip" ] && echo "5: lo1    inet 10.200.0.1/32 scope global lo1\\       valid_lft forever preferred_lft forever"
    exit 0 ;;
esac
echo "ip $*" >> "$STUB/calls"
case "$1 $2" in
  "addr del") rm "$STUB/vip" ;;
  "addr add") touch "$STUB/vip" ;;
esac
`,
  // Records the pause instead of taking it.
  sleep: `#!/bin/sh
echo "$1" >> "$STUB/sleeps"
`,
  tailscale: `#!/bin/sh
echo "tailscale $*" >> "$STUB/calls"
[ ! -e "$STUB/tailscale-fails" ] || { rm "$STUB/tailscale-fails"; echo "503 tailscaled unavailable" >&2; exit 1; }
`,
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const setUp = (
  answers: readonly string[],
  options: {vip: boolean; routes: string[]; intervalSeconds?: number; confirmSeconds?: number},
) => {
  const dir = mkdtempSync(join(tmpdir(), 'health-gate-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(stubs)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, 'curl-answers'), `${answers.join('\n')}\n`);
  if (options.vip) writeFileSync(join(dir, 'vip'), '');
  const env = healthGateEnv('10.200.0.1', options.routes, {
    intervalSeconds: options.intervalSeconds ?? 0,
    failAfter: 3,
    confirmSeconds: options.confirmSeconds ?? 0,
    recoverAfter: 2,
  });
  writeFileSync(join(dir, 'gate.env'), env);
  writeFileSync(join(dir, 'health-gate'), healthGateScript());
  const run = (polls = answers.length) => {
    const result = execFileSync('/bin/sh', [join(dir, 'health-gate')], {
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        STUB: dir,
        HEALTH_GATE_ENV: join(dir, 'gate.env'),
        MAX_POLLS: String(polls),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return result;
  };
  const calls = () =>
    existsSync(join(dir, 'calls'))
      ? readFileSync(join(dir, 'calls'), 'utf8')
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('curl '))
      : [];
  const sleeps = () =>
    existsSync(join(dir, 'sleeps'))
      ? readFileSync(join(dir, 'sleeps'), 'utf8').trim().split('\n')
      : [];
  return {dir, run, calls, sleeps, hasVip: () => existsSync(join(dir, 'vip'))};
};

describe('health gate script', () => {
  it('polls readyz with the documented curl command', () => {
    const gate = setUp(['ok'], {vip: true, routes: []});
    gate.run();
    expect(readFileSync(join(gate.dir, 'calls'), 'utf8')).toContain(
      'curl -sk --max-time 2 https://127.0.0.1:6443/readyz',
    );
  });

  it('withdraws after N failures and restores after M successes, keeping the other routes', () => {
    const gate = setUp(
      ['ok', 'ok', 'ok', 'fail', 'notready', 'fail', 'fail', 'ok', 'fail', 'ok', 'ok'],
      {vip: true, routes: ['192.168.1.0/24', '10.200.0.1/32']},
    );
    gate.run();
    expect(gate.calls()).toEqual([
      // Start: state unknown; two good polls confirm the VIP (already on lo1).
      'tailscale set --advertise-routes=192.168.1.0/24,10.200.0.1/32',
      // Three bad polls in a row (a 500 body counts as bad).
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.1.0/24',
      // One good poll between failures is not enough; two are.
      'ip addr add 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.1.0/24,10.200.0.1/32',
    ]);
    expect(gate.hasVip()).toBe(true);
  });

  it('confirms a failure with quick polls, then waits whole intervals again', () => {
    const gate = setUp(['ok', 'fail', 'fail', 'fail', 'fail', 'ok', 'fail', 'ok'], {
      vip: true,
      routes: [],
      intervalSeconds: 2,
      confirmSeconds: 0.25,
    });
    gate.run();
    expect(gate.sleeps()).toEqual([
      '2',
      // The first failure is confirmed twice, quickly; then the VIP is withdrawn.
      '0.25',
      '0.25',
      // Withdrawn: nothing to decide until it is ready again.
      '2',
      '2',
      '2',
      '2',
    ]);
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=',
    ]);
  });

  it('clears the advertised routes entirely when the node has no others', () => {
    const gate = setUp(['fail', 'fail', 'fail'], {vip: true, routes: []});
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=',
    ]);
  });

  it('is idempotent across restarts: nothing to delete when the VIP is already gone', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail', 'fail'], {vip: false, routes: []});
    gate.run();
    expect(gate.calls()).toEqual(['tailscale set --advertise-routes=']);
  });

  it('retries a failed action on the next poll', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail'], {vip: false, routes: []});
    writeFileSync(join(gate.dir, 'tailscale-fails'), '');
    gate.run();
    expect(gate.calls()).toEqual([
      'tailscale set --advertise-routes=',
      'tailscale set --advertise-routes=',
    ]);
  });

  it('never runs a route from the env file as a command', () => {
    const gate = setUp(['fail', 'fail', 'fail'], {vip: false, routes: ['$(touch pwned)']});
    gate.run();
    expect(existsSync(join(gate.dir, 'pwned'))).toBe(false);
    expect(gate.calls()).toEqual(['tailscale set --advertise-routes=$(touch pwned)']);
  });

  it('logs transitions to stderr', () => {
    const gate = setUp(['fail', 'fail', 'fail'], {vip: true, routes: []});
    const output = execFileSync(
      '/bin/sh',
      ['-c', `/bin/sh "${join(gate.dir, 'health-gate')}" 2>&1`],
      {
        env: {
          PATH: `${gate.dir}:/usr/bin:/bin`,
          STUB: gate.dir,
          HEALTH_GATE_ENV: join(gate.dir, 'gate.env'),
          MAX_POLLS: '3',
        },
        encoding: 'utf8',
      },
    );
    expect(output).toContain('health-gate: apiserver not ready 3 times in a row: withdrew');
  });

  it('restarts forever under systemd', () => {
    expect(healthGateUnit()).toContain('Restart=always');
    expect(healthGateUnit()).toContain('ExecStart=/usr/local/lib/ha-wizard/health-gate');
  });
});
