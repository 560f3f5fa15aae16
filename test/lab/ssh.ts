// A small ssh2 client for the lab tests: host keys checked against the lab's
// known_hosts (never accepted blindly), Nagle off (P1).
import {readFileSync} from 'node:fs';
import {Client} from 'ssh2';
import type {LabState} from './lab.js';

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The key blob (base64) known_hosts lists for a host name or address. */
export const knownKey = (knownHostsFile: string, host: string): string | undefined => {
  for (const line of readFileSync(knownHostsFile, 'utf8').split('\n')) {
    const [names, , key] = line.trim().split(/\s+/);
    if (names?.split(',').includes(host)) return key;
  }
  return undefined;
};

export const connect = (lab: LabState, host: string, options: {expectedKeyOf?: string} = {}) =>
  new Promise<Client>((resolve, reject) => {
    const entry = lab.hosts.find((h) => h.name === host);
    if (!entry) throw new Error(`no lab host ${host}`);
    const expected = knownKey(lab.knownHostsFile, options.expectedKeyOf ?? host);
    const client = new Client();
    client
      .on('ready', () => resolve(client))
      .on('error', reject)
      .connect({
        host: entry.address,
        port: 22,
        username: lab.sshUser,
        privateKey: readFileSync(lab.identityFile),
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) =>
          expected !== undefined && key.toString('base64') === expected,
      });
    client.setNoDelay(true);
  });

export const exec = (client: Client, command: string, input?: string) =>
  new Promise<ExecResult>((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      let stdout = '';
      let stderr = '';
      stream.on('data', (data: Buffer) => (stdout += data.toString()));
      stream.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      stream.on('close', (code: number | null) => resolve({code, stdout, stderr}));
      stream.end(input);
    });
  });
