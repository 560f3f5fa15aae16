// The health gate script itself, run by a real shell (dash, Debian's /bin/sh,
// and busybox sh with busybox's awk and grep when busybox is installed) with
// stub curl, ip and tailscale first on PATH. The stubs record their argv; curl
// answers from a script of responses; ip keeps the VIP's presence in a file;
// tailscale keeps the advertised routes in a file and prints them from
// `debug prefs` the way tailscale does (json.MarshalIndent with tabs).
import {spawnSync} from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
  healthGateEnv,
  healthGateScript,
  healthGateUnit,
} from '../../source/core/artifacts/health-gate.js';

const stubs = {
  // An answer line may end in "then COMMAND": COMMAND runs in the stub folder
  // during that poll, so a test can change the node under the gate's feet.
  curl: `#!/bin/sh
echo "curl $*" >> "$STUB/calls"
n=$(cat "$STUB/curl-n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STUB/curl-n"
line=$(sed -n "\${n}p" "$STUB/curl-answers")
case $line in
  *" then "*) (cd "$STUB" && sh -c "\${line#* then }") ;;
esac
case \${line%% *} in
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
  // prefs.json, when present, is printed as is; otherwise the prefs hold the
  // routes in the file routes (comma-separated), which set rewrites.
  tailscale: `#!/bin/sh
if [ "$1 $2" = "debug prefs" ]; then
  echo read >> "$STUB/prefs-reads"
  if [ -e "$STUB/prefs-fails" ]; then echo "failed to connect to local Tailscale daemon" >&2; exit 1; fi
  if [ -e "$STUB/prefs.json" ]; then cat "$STUB/prefs.json"; exit 0; fi
  routes=$(cat "$STUB/routes")
  printf '{\\n\\t"ControlURL": "https://controlplane.tailscale.com",\\n\\t"RouteAll": true,\\n'
  if [ -z "$routes" ]; then
    printf '\\t"AdvertiseRoutes": null,\\n'
  else
    printf '\\t"AdvertiseRoutes": [\\n'
    IFS=,; set -- $routes; unset IFS
    while [ $# -gt 1 ]; do printf '\\t\\t"%s",\\n' "$1"; shift; done
    printf '\\t\\t"%s"\\n\\t],\\n' "$1"
  fi
  printf '\\t"AdvertiseServices": null,\\n\\t"NoSNAT": false,\\n\\t"Persist": {\\n\\t\\t"NodeID": "n1"\\n\\t}\\n}\\n'
  exit 0
fi
echo "tailscale $*" >> "$STUB/calls"
[ ! -e "$STUB/tailscale-fails" ] || { rm "$STUB/tailscale-fails"; echo "503 tailscaled unavailable" >&2; exit 1; }
case $2 in
  --advertise-routes=*) printf '%s' "\${2#--advertise-routes=}" > "$STUB/routes" ;;
esac
`,
};

// tailscale debug prefs as tailscale v1.98 prints it (json.MarshalIndent with
// tabs), with the given AdvertiseRoutes value.
const prefsJson = (advertiseRoutes: string) =>
  [
    '{',
    '\t"ControlURL": "https://controlplane.tailscale.com",',
    '\t"RouteAll": true,',
    '\t"ExitNodeID": "",',
    '\t"AutoUpdate": {',
    '\t\t"Check": true,',
    '\t\t"Apply": null',
    '\t},',
    `\t"AdvertiseRoutes": ${advertiseRoutes},`,
    '\t"AdvertiseServices": null,',
    '\t"NoSNAT": false,',
    '\t"DriveShares": null,',
    '\t"Persist": {',
    '\t\t"PrivateNodeKey": "privkey:0000",',
    '\t\t"NodeID": "nXXXXXCNTRL"',
    '\t}',
    '}',
    '',
  ].join('\n');
const routeList = (...routes: string[]) =>
  `[\n${routes.map((route) => `\t\t${JSON.stringify(route)}`).join(',\n')}\n\t]`;

const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
// Each shell runs the script with its own text tools: dash with the system's
// awk (mawk on Debian), busybox sh with busybox's awk, grep and sed.
const shells = [
  {name: 'dash', argv: ['/bin/dash'], tools: [] as string[]},
  ...(busybox
    ? [{name: 'busybox sh', argv: [busybox, 'sh'], tools: ['awk', 'grep', 'sed', 'cat', 'rm']}]
    : []),
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const vipRoute = '10.200.0.1/32';

describe.each(shells)('health gate script under $name', (shell) => {
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
    mkdirSync(join(dir, 'tools'));
    for (const tool of shell.tools) symlinkSync(busybox ?? '', join(dir, 'tools', tool));
    writeFileSync(join(dir, 'curl-answers'), `${answers.join('\n')}\n`);
    writeFileSync(join(dir, 'routes'), options.routes.join(','));
    if (options.vip) writeFileSync(join(dir, 'vip'), '');
    const env = healthGateEnv('10.200.0.1', {
      intervalSeconds: options.intervalSeconds ?? 0,
      failAfter: 3,
      confirmSeconds: options.confirmSeconds ?? 0,
      recoverAfter: 2,
    });
    writeFileSync(join(dir, 'gate.env'), env);
    writeFileSync(join(dir, 'health-gate'), healthGateScript());
    const run = (polls = answers.length) => {
      const result = spawnSync(
        shell.argv[0] ?? '',
        [...shell.argv.slice(1), join(dir, 'health-gate')],
        {
          env: {
            PATH: `${dir}:${join(dir, 'tools')}:/usr/bin:/bin`,
            STUB: dir,
            HEALTH_GATE_ENV: join(dir, 'gate.env'),
            MAX_POLLS: String(polls),
          },
          encoding: 'utf8',
        },
      );
      expect(result.status, result.stderr).toBe(0);
      return result.stderr;
    };
    const lines = (name: string) =>
      existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n') : [];
    return {
      dir,
      run,
      calls: () => lines('calls').filter((line) => !line.startsWith('curl ')),
      sleeps: () => lines('sleeps'),
      prefsReads: () => lines('prefs-reads').length,
      routes: () => readFileSync(join(dir, 'routes'), 'utf8'),
      hasVip: () => existsSync(join(dir, 'vip')),
    };
  };

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
      {vip: true, routes: ['192.168.1.0/24', vipRoute]},
    );
    gate.run();
    expect(gate.calls()).toEqual([
      // Start: state unknown; two good polls confirm the VIP, already on lo1 and advertised.
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
      routes: [vipRoute],
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
    const gate = setUp(['fail', 'fail', 'fail'], {vip: true, routes: [vipRoute]});
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=',
    ]);
  });

  it('is idempotent across restarts: nothing to undo when the VIP is already gone', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail', 'fail'], {
      vip: false,
      routes: ['192.168.1.0/24'],
    });
    gate.run();
    expect(gate.calls()).toEqual([]);
    const again = setUp(['ok', 'ok', 'ok'], {vip: true, routes: [vipRoute]});
    again.run();
    expect(again.calls()).toEqual([]);
  });

  it('retries a failed action on the next poll', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail'], {vip: false, routes: [vipRoute]});
    writeFileSync(join(gate.dir, 'tailscale-fails'), '');
    gate.run();
    expect(gate.calls()).toEqual([
      'tailscale set --advertise-routes=',
      'tailscale set --advertise-routes=',
    ]);
  });

  it('reads the routes when it acts: a route added after install survives a withdraw and a restore', () => {
    const gate = setUp(
      [
        'ok',
        'ok',
        // The node starts advertising its LAN while the gate runs.
        'ok then printf %s 10.200.0.1/32,192.168.5.0/24 > routes',
        'fail',
        'fail',
        'fail',
        'ok',
        'ok',
      ],
      {vip: true, routes: [vipRoute]},
    );
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.5.0/24',
      'ip addr add 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.5.0/24,10.200.0.1/32',
    ]);
  });

  it('keeps exit-node routes, which tailscale lists among the advertised ones', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'ok', 'ok'], {
      vip: true,
      routes: ['0.0.0.0/0', '::/0', vipRoute],
    });
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=0.0.0.0/0,::/0',
      'ip addr add 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=0.0.0.0/0,::/0,10.200.0.1/32',
    ]);
  });

  it('never takes prefs it cannot read as "no routes": the action fails and is retried', () => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail', 'fail then rm prefs-fails', 'fail'], {
      vip: true,
      routes: ['192.168.1.0/24', vipRoute],
    });
    writeFileSync(join(gate.dir, 'prefs-fails'), '');
    const log = gate.run();
    expect(log).toContain('withdrawing 10.200.0.1/32 failed; retrying');
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      // Only once tailscale answers, and with the LAN route kept.
      'tailscale set --advertise-routes=192.168.1.0/24',
    ]);
  });

  it.each([
    ['empty output', ''],
    ['no AdvertiseRoutes key', '{\n\t"RouteAll": true\n}\n'],
    ['a list cut short', '{\n\t"AdvertiseRoutes": [\n\t\t"192.168.1.0/24",\n'],
    ['a route that is not a prefix', prefsJson(routeList('192.168.1.0/24', '$(touch pwned)'))],
  ])('never withdraws with prefs it cannot parse (%s)', (_, prefs) => {
    const gate = setUp(['fail', 'fail', 'fail', 'fail'], {vip: false, routes: []});
    writeFileSync(join(gate.dir, 'prefs.json'), prefs);
    gate.run();
    expect(gate.prefsReads()).toBe(2);
    expect(gate.calls()).toEqual([]);
    expect(existsSync(join(gate.dir, 'pwned'))).toBe(false);
  });

  it.each([
    ['null', 'null', []],
    ['an empty list', '[]', []],
    ['the VIP alone', routeList(vipRoute), ['']],
    [
      'several routes, IPv6 and exit routes among them',
      routeList('192.168.1.0/24', vipRoute, 'fd7a:115c:a1e0:ab12::/64', '0.0.0.0/0', '::/0'),
      ['192.168.1.0/24,fd7a:115c:a1e0:ab12::/64,0.0.0.0/0,::/0'],
    ],
  ])('parses AdvertiseRoutes as %s', (_, value, withdrawn) => {
    const gate = setUp(['fail', 'fail', 'fail'], {vip: true, routes: []});
    writeFileSync(join(gate.dir, 'prefs.json'), prefsJson(value));
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      ...withdrawn.map((routes) => `tailscale set --advertise-routes=${routes}`),
    ]);
  });

  it.each([
    ['null', 'null', '10.200.0.1/32'],
    ['an empty list', '[]', '10.200.0.1/32'],
    [
      'several routes',
      routeList('192.168.1.0/24', '::/0', '0.0.0.0/0'),
      '192.168.1.0/24,::/0,0.0.0.0/0,10.200.0.1/32',
    ],
  ])('restores onto AdvertiseRoutes as %s', (_, value, restored) => {
    const gate = setUp(['ok', 'ok'], {vip: true, routes: []});
    writeFileSync(join(gate.dir, 'prefs.json'), prefsJson(value));
    gate.run();
    expect(gate.calls()).toEqual([`tailscale set --advertise-routes=${restored}`]);
  });

  it('withdraws the VIP again when something else puts it back on lo1 while the apiserver is down', () => {
    const gate = setUp(
      // A networkd reload brings lo1's Address=VIP/32 back.
      ['fail', 'fail', 'fail', 'fail', 'fail then touch vip', 'fail', 'fail'],
      {vip: true, routes: ['192.168.1.0/24', vipRoute]},
    );
    const log = gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.1.0/24',
      'ip addr del 10.200.0.1/32 dev lo1',
    ]);
    expect(gate.hasVip()).toBe(false);
    expect(log).toContain('not the gate');
  });

  it('withdraws the route again when something else re-advertises it while the apiserver is down', () => {
    const gate = setUp(
      // An ha-wizard apply re-run advertises VIP/32 again.
      ['fail', 'fail', 'fail', 'fail then printf %s 192.168.1.0/24,10.200.0.1/32 > routes', 'fail'],
      {vip: true, routes: ['192.168.1.0/24', vipRoute]},
    );
    gate.run();
    expect(gate.calls()).toEqual([
      'ip addr del 10.200.0.1/32 dev lo1',
      'tailscale set --advertise-routes=192.168.1.0/24',
      'tailscale set --advertise-routes=192.168.1.0/24',
    ]);
    expect(gate.routes()).toBe('192.168.1.0/24');
  });

  it('puts the VIP back on lo1 when something else takes it off while the apiserver is ready, reading no prefs to notice', () => {
    const gate = setUp(['ok', 'ok', 'ok', 'ok', 'ok then rm vip', 'ok', 'ok'], {
      vip: true,
      routes: [vipRoute],
    });
    gate.run();
    expect(gate.calls()).toEqual(['ip addr add 10.200.0.1/32 dev lo1']);
    expect(gate.hasVip()).toBe(true);
    // Once to decide at start, once to put it back: a ready poll costs an ip call only.
    expect(gate.prefsReads()).toBe(2);
  });

  it('logs transitions to stderr', () => {
    const gate = setUp(['fail', 'fail', 'fail'], {vip: true, routes: [vipRoute]});
    expect(gate.run()).toContain('health-gate: apiserver not ready 3 times in a row: withdrew');
  });
});

describe('health gate files', () => {
  it('keeps no routes in the env file: the gate reads them when it acts', () => {
    const env = healthGateEnv('10.200.0.1');
    expect(env).toContain('VIP=10.200.0.1');
    expect(env).not.toMatch(/ROUTES/);
  });

  it('restarts forever under systemd', () => {
    expect(healthGateUnit()).toContain('Restart=always');
    expect(healthGateUnit()).toContain('ExecStart=/usr/local/lib/ha-wizard/health-gate');
  });
});
