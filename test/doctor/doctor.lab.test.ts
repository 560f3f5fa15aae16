// `ha-wizard doctor` (the BUILT CLI) on one lab cluster built by `ha-wizard
// apply`: healthy first (no check may report a fault), then one fault at a
// time, injected from a root shell inside a host and undone before the next:
// each must be named by `doctor --json` (exactly those checks fail). The
// SystemdCgroup fault on the VIP's primary router makes kubectl through the
// VIP flap; the interactive doctor, driven in a real pseudo-terminal, fixes it
// after a "y", and kubectl through the VIP is steady afterwards.
// Needs root and dist/; skipped with the reason printed otherwise.
import {createPrivateKey} from 'node:crypto';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {makeCertificate, rsaKeyPair, keyPem} from '../../source/sim/x509.js';
import {hostExec, relay} from '../lab/lab.js';
import {headscaleNodes, setApprovedRoutes} from '../lab/tailnet.js';
import {cli, cps, labCluster, runProcess, vip} from '../lab/lab-cluster.js';
import {labSkipReason} from '../lab/skip.js';
import {sleep} from '../lab/system.js';
import {closeTerminals, openTerminal} from '../support/pty.js';
import {check, doctorArgs as reportArgs, failing, runDoctorJson, type Report} from './report.js';

const skipReason = labSkipReason('test/doctor/doctor.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

describe.skipIf(skipReason !== undefined)('ha-wizard doctor on a lab cluster (root)', () => {
  const c = labCluster({
    workers: ['w1', 'w2'],
    upArgs: ['--control-planes', '3', '--workers', '2'],
  });
  const {ok, sh, primary} = c;
  const state = c.lab;
  let planDir = '';
  let env: NodeJS.ProcessEnv = {};
  const doctorArgs = () => reportArgs(planDir, state().knownHostsFile);
  const doctorJson = () => runDoctorJson(doctorArgs(), env);
  const until = async (pass: () => Promise<boolean> | boolean, timeoutMs: number, what: string) => {
    const start = performance.now();
    while (!(await pass())) {
      if (performance.now() - start > timeoutMs)
        throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(200);
    }
  };
  /** kubectl through the VIP from w1, `n` times: one letter per call (o answered, x refused). */
  const kubectlThroughVip = async (n: number) =>
    (
      await sh(
        'w1',
        `for i in $(seq ${n}); do if kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes >/dev/null 2>&1; then printf o; else printf x; fi; sleep 0.2; done`,
        120_000,
      )
    ).stdout;

  // The cluster doctor looks at: built by `ha-wizard apply` from the plan labCluster wrote.
  beforeAll(async () => {
    planDir = c.planDir();
    env = c.env();
    const apply = await c.apply();
    expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
  }, 240_000);

  afterEach(() => closeTerminals());

  it('a healthy cluster: every check passes on every host, exit 0', async () => {
    const {code, report} = await doctorJson();
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    // Each host got its role's checks.
    for (const host of c.hosts) {
      for (const id of ['cgroup-driver', 'kubelet-active', 'swap', 'accept-routes', 'clock-skew'])
        expect(check(report, id, host)?.status, `${id}@${host}`).toBe('pass');
    }
    for (const host of cps)
      for (const id of [
        'control-plane-restarts',
        'lo1-vip',
        'vip-advertised',
        'apiserver-cert-san',
        'health-gate',
      ])
        expect(check(report, id, host)?.status, `${id}@${host}`).toBe('pass');
    expect(check(report, 'vip-primary-apiserver', 'cp1')?.evidence).toContain('readyz on cp1: ok');
    expect(check(report, 'cgroup-driver', 'cp1')?.evidence).toContain('SystemdCgroup = true');
  }, 120_000);

  it('SystemdCgroup = false on the primary (kubectl through the VIP flaps): doctor names it, fixes it after a yes, kubectl is steady', async () => {
    expect(await primary()).toBe('cp1');
    await ok(
      'cp1',
      "sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml && systemctl restart containerd",
    );
    // The fault as a person meets it: kubectl through the VIP answers, then is refused, and back.
    const before = await kubectlThroughVip(30);
    expect(before).toMatch(/o/);
    expect(before).toMatch(/x/);

    const {code, report} = await doctorJson();
    expect(code).toBe(2);
    const cgroup = check(report, 'cgroup-driver', 'cp1');
    expect(cgroup?.status).toBe('fail');
    expect(cgroup?.evidence).toContain('containerd config dump: SystemdCgroup = false');
    expect(cgroup?.evidence).toContain('cgroupDriver: systemd');
    expect(cgroup?.fix?.automatic).toBe(true);
    expect(cgroup?.fix?.commands).toContain('sudo systemctl restart containerd');
    expect(
      report.checks
        .filter((c) => c.id === 'cgroup-driver' && c.status === 'fail')
        .map((c) => c.host),
    ).toEqual(['cp1']);
    expect(check(report, 'control-plane-restarts', 'cp1')?.status).toBe('fail');
    // Only cp1 and the checks that see its flapping apiserver fail.
    for (const entry of failing(report)) expect(entry).toMatch(/@cp1$/);

    // The interactive flow in a real terminal: "y" only to the cgroup fix, "n" to anything else.
    const terminal = openTerminal(doctorArgs(), {
      columns: 200,
      rows: 50,
      env: {...env, NO_COLOR: '1'},
    });
    // A question counts only while it is the last thing on the screen: the answered one is
    // drawn again ("… now? yes"), and must not be taken for the next.
    let since = 0;
    for (;;) {
      await terminal.waitFor(
        /Apply this fix on \S+ now\? \(y\/N\)\s*$|\d+ passed, \d+ failed/,
        120_000,
        since,
      );
      const text = terminal.text(since);
      if (/\d+ passed, \d+ failed/.test(text)) break;
      const lastFailure = [...text.matchAll(/✗ (\S+) on (\S+)/g)].at(-1);
      const yes = lastFailure?.[1] === 'cgroup-driver' && lastFailure[2] === 'cp1';
      since = terminal.mark();
      terminal.press(yes ? 'y\r' : 'n\r');
      if (yes) await terminal.waitFor('✓ cgroup-driver on cp1 (checked again)', 120_000, since);
    }
    expect(await terminal.exit).not.toBe(1);
    const transcript = terminal.text();
    // Every result is shown, also where one check gives a host several (one per other control plane).
    const paths = report.checks.filter((entry) => entry.id === 'relayed-path');
    expect(paths).toHaveLength(6);
    for (const entry of paths)
      expect(transcript).toContain(
        `relayed-path on ${entry.host}: ${entry.evidence.split(':')[0]}`,
      );
    expect(transcript).toContain('looked at: containerd config dump: SystemdCgroup = false');
    expect(transcript).toContain('applying on cp1');
    expect(transcript).toMatch(
      /✓ cgroup-driver on cp1 \(checked again\): containerd config dump: SystemdCgroup = true/,
    );

    // The file was edited as TOML with a backup, and the effective config says true.
    expect(await ok('cp1', 'containerd config dump')).toMatch(/SystemdCgroup = true/);
    expect(await ok('cp1', 'ls /etc/containerd')).toMatch(/config\.toml\.ha-wizard\.[\dTZ.]+\.bak/);
    // Steady: longer than several flap periods without a refusal.
    expect(await kubectlThroughVip(30)).toBe('o'.repeat(30));
    const after = await doctorJson();
    expect(failing(after.report)).toEqual([]);
  }, 400_000);

  it('the VIP missing on a control plane is named as lo1-vip on that host', async () => {
    // With its gate running, the gate itself puts a missing VIP back on a ready node (G3): the
    // fault doctor must name is a VIP gone with nothing to restore it.
    await ok('cp2', 'systemctl stop ha-wizard-health-gate.service');
    await ok('cp2', `ip addr del ${vip}/32 dev lo1`);
    try {
      const {code, report} = await doctorJson();
      expect(failing(report)).toEqual(['health-gate@cp2', 'lo1-vip@cp2']);
      expect(code).toBe(2);
      expect(check(report, 'lo1-vip', 'cp2')?.fix?.commands).toEqual([
        `sudo ip addr add ${vip}/32 dev lo1`,
      ]);
    } finally {
      await ok(
        'cp2',
        `ip addr add ${vip}/32 dev lo1 && systemctl start ha-wizard-health-gate.service`,
      );
    }
  }, 120_000);

  it('accept-routes off on a worker is named as accept-routes on that worker', async () => {
    await ok('w1', 'tailscale set --accept-routes=false');
    const {report} = await doctorJson();
    expect(failing(report)).toEqual(['accept-routes@w1']);
    expect(check(report, 'accept-routes', 'w1')?.explanation).toContain('is a worker');
    await ok('w1', 'tailscale set --accept-routes=true');
  }, 120_000);

  it('a route nobody approved is named as route-approved', async () => {
    const approved = new Map(
      (await headscaleNodes()).map((node) => [node.given_name ?? '', node.approved_routes ?? []]),
    );
    // Headscale's approve-routes replaces a node's approved set: empty withdraws the approval.
    for (const cp of cps) await setApprovedRoutes(cp, []);
    try {
      await until(async () => (await primary()) === undefined, 30_000, 'the route withdrawn');
      const {report} = await doctorJson();
      // Seen from a worker: a router that took over may not see the route in its own status.
      expect(failing(report)).toEqual(['route-approved@w1']);
      expect(check(report, 'route-approved', 'w1')?.evidence).toContain(
        'advertised by: cp1, cp2, cp3',
      );
      expect(check(report, 'route-approved', 'w1')?.fix?.automatic).toBe(false);
    } finally {
      for (const cp of cps) await setApprovedRoutes(cp, approved.get(cp) ?? []);
      await until(async () => (await primary()) !== undefined, 30_000, 'the route approved again');
    }
  }, 120_000);

  it("with Headscale's API key, a standby whose route lost its approval is named as route-approved-each; the rest passes", async () => {
    const withKey = async () => {
      const run = await runProcess(
        [
          'node',
          cli,
          ...doctorArgs(),
          '--json',
          '--headscale-api-key-file',
          state().headscale.apiKeyFile,
        ],
        env,
        120_000,
      );
      expect(run.stderr).toBe('');
      return {code: run.code, report: JSON.parse(run.stdout) as Report};
    };
    const healthy = await withKey();
    expect(failing(healthy.report)).toEqual([]);
    expect(
      healthy.report.checks.filter((r) => r.id === 'route-approved-each').map((r) => r.host),
    ).toEqual(cps);
    const before =
      (await headscaleNodes()).find((node) => node.given_name === 'cp3')?.approved_routes ?? [];
    await setApprovedRoutes(
      'cp3',
      before.filter((route) => route !== `${vip}/32`),
    );
    try {
      const {code, report} = await withKey();
      expect(code).toBe(2);
      expect(failing(report)).toEqual(['route-approved-each@cp3']);
      const finding = check(report, 'route-approved-each', 'cp3');
      expect(finding?.evidence).toMatch(
        /^Headscale at http:\/\/10\.99\.0\.2:8080: cp3 advertises 10\.200\.0\.1\/32; approved: /,
      );
      expect(finding?.fix?.commands.join('\n')).toContain(
        'headscale nodes approve-routes --identifier',
      );
      // The primary still routes the VIP: only the control server could tell.
      expect(report.checks.find((r) => r.id === 'route-approved')?.status).toBe('pass');
    } finally {
      await setApprovedRoutes('cp3', before);
    }
  }, 120_000);

  it('cp3 behind a NAT no direct path gets through: relayed-path names every path to it, read from the real tailscale ping through DERP', async () => {
    await relay(['cp3']);
    try {
      const {code, report} = await doctorJson();
      expect(code).toBe(2);
      expect(failing(report)).toEqual([
        'relayed-path@cp1',
        'relayed-path@cp2',
        'relayed-path@cp3',
        'relayed-path@cp3',
      ]);
      const fromCp1 = report.checks.find(
        (r) => r.id === 'relayed-path' && r.host === 'cp1' && r.status === 'fail',
      );
      expect(fromCp1?.evidence).toMatch(
        /^tailscale ping 100\.64\.10\.\d+: pong from cp3 \(100\.64\.10\.\d+\) via DERP\(lab\) in /,
      );
      expect(fromCp1?.explanation).toMatch(/only through a relay \(DERP\(lab\)\)/);
    } finally {
      await relay([]);
    }
  }, 180_000);

  it('a primary whose host name is mixed case (Tailscale keeps the OS name: CP1) is found among the control planes (B5)', async () => {
    const victim = (await primary()) ?? 'cp1';
    const shouting = victim.toUpperCase();
    await ok(victim, `tailscale set --hostname=${shouting}`);
    try {
      await until(async () => (await primary()) === shouting, 30_000, 'the new name seen');
      const {report} = await doctorJson();
      expect(check(report, 'vip-primary-apiserver', victim)?.status).toBe('pass');
      expect(failing(report)).toEqual([]);
    } finally {
      await ok(victim, `tailscale set --hostname=${victim}`);
      await until(async () => (await primary()) === victim, 30_000, 'the old name back');
    }
  }, 120_000);

  it('the apiserver down on the primary (its health gate stopped) is named on the primary', async () => {
    const victim = (await primary()) ?? 'cp1';
    await ok(
      victim,
      'systemctl stop ha-wizard-health-gate.service && mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.doctor',
    );
    await until(
      async () =>
        (await sh(victim, 'curl -sk --max-time 1 https://127.0.0.1:6443/readyz')).code !== 0,
      10_000,
      'apiserver down',
    );
    const {report} = await doctorJson();
    expect(check(report, 'vip-primary-apiserver', victim)?.status).toBe('fail');
    expect(check(report, 'vip-primary-apiserver', victim)?.evidence).toContain(
      'connection refused',
    );
    expect(check(report, 'health-gate', victim)?.status).toBe('fail');
    // Nothing on any other host, and on the victim only what follows from a dead apiserver.
    expect(failing(report)).toEqual(
      [
        `control-plane-restarts@${victim}`,
        `health-gate@${victim}`,
        `vip-primary-apiserver@${victim}`,
        // helm is on the init node only (as its install script leaves it): with that node's
        // apiserver dead, nothing can tell Cilium's MTU.
        ...(victim === 'cp1' ? [`mtu@${victim}`] : []),
      ].sort(),
    );
    await ok(
      victim,
      'mv /etc/kubernetes/kube-apiserver.yaml.doctor /etc/kubernetes/manifests/kube-apiserver.yaml && systemctl start ha-wizard-health-gate.service',
    );
    await until(
      async () =>
        (await sh(victim, 'curl -sk --max-time 1 https://127.0.0.1:6443/readyz')).stdout === 'ok',
      20_000,
      'apiserver back',
    );
  }, 120_000);

  it('an apiserver certificate without the VIP is named as apiserver-cert-san on that host', async () => {
    const host = 'cp3';
    const pki = '/etc/kubernetes/pki';
    const original = {
      crt: await ok(host, `cat ${pki}/apiserver.crt`),
      key: await ok(host, `cat ${pki}/apiserver.key`),
    };
    const caKey = createPrivateKey(await ok(host, `cat ${pki}/ca.key`));
    const pair = rsaKeyPair();
    const now = new Date();
    const crt = makeCertificate({
      subject: {commonName: 'kube-apiserver'},
      issuer: {subject: {commonName: 'kubernetes'}, key: caKey},
      ...pair,
      isCa: false,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 86_400_000),
      dnsNames: [host, 'kubernetes', 'kubernetes.default'],
      ips: ['10.96.0.1', '100.64.10.13'],
      serverAuth: true,
    });
    const put = (file: string, text: string) =>
      hostExec(state(), host, ['bash', '-c', `cat > ${file}`], {input: text});
    await put(`${pki}/apiserver.key`, keyPem(pair.privateKey));
    await put(`${pki}/apiserver.crt`, crt);
    const {report} = await doctorJson();
    expect(failing(report)).toEqual([`apiserver-cert-san@${host}`]);
    expect(check(report, 'apiserver-cert-san', host)?.evidence).toContain(
      'IP Address:100.64.10.13',
    );
    expect(check(report, 'apiserver-cert-san', host)?.evidence).not.toContain(vip);
    await put(`${pki}/apiserver.key`, original.key);
    await put(`${pki}/apiserver.crt`, original.crt);
    const healed = await doctorJson();
    expect(failing(healed.report)).toEqual([]);
    expect(healed.code).toBe(0);
  }, 180_000);
});
