import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {mergeKubeconfig} from '../../source/engine/phases/steps/kubeconfig-merge.js';
import {openRunLog} from '../../source/engine/run-log.js';
import {SecretStore} from '../../source/engine/secrets.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('run log', () => {
  it('is a 0600 file under the state dir with every line redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-log-'));
    dirs.push(dir);
    const secrets = new SecretStore();
    const token = secrets.add('abcdef.0123456789abcdef');
    const log = openRunLog(dir, secrets, new Date('2026-11-24T00:00:00Z'));
    log.write(`kubeadm said ${token}`);
    log.event({
      type: 'host-output',
      at: 0,
      phase: 'join',
      host: 'cp2',
      stream: 'stdout',
      line: token,
    });
    log.close();
    expect(log.path).toBe(join(dir, 'logs', 'run-2026-11-24T000000Z.log'));
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    const text = readFileSync(log.path, 'utf8');
    expect(text).not.toContain('0123456789abcdef');
    expect(text).toContain('cp2: join: <redacted>');
  });
});

describe('mergeKubeconfig', () => {
  const admin = `apiVersion: v1
kind: Config
clusters: [{name: kubernetes, cluster: {server: 'https://10.200.0.1:6443'}}]
users: [{name: kubernetes-admin, user: {token: x}}]
contexts: []
`;
  it("adds the cluster as a new context and keeps the user's current one", () => {
    const existing = `apiVersion: v1
kind: Config
clusters: [{name: work, cluster: {server: 'https://work:6443'}}]
users: [{name: me, user: {token: y}}]
contexts: [{name: work, context: {cluster: work, user: me}}]
current-context: work
`;
    const result = mergeKubeconfig(existing, admin, 'homelab');
    expect(result.keptCurrentContext).toBe('work');
    const merged = parse(result.text ?? '') as Record<string, Array<{name: string}> | string>;
    expect(merged['current-context']).toBe('work');
    expect((merged['contexts'] as Array<{name: string}>).map((c) => c.name)).toEqual([
      'work',
      'homelab',
    ]);
    // Applying the merge again says there is nothing to write.
    expect(mergeKubeconfig(result.text, admin, 'homelab').text).toBeUndefined();
  });
});
