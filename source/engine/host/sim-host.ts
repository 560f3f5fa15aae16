// A Host whose machine is a host of the in-process demo world
// (source/sim/memory-world.ts): the phases drive it exactly as they drive an
// SSH host, and every command lands in the same behavioural model the lab's
// hosts run. Nothing here touches the network or a file of this machine.
// Commands take a plausible time (kubeadm init seconds, `cat` a blink),
// scaled by `pace` so tests run the same flow at once; output arrives line by
// line over that time, as a real command's does.
import type {MemoryWorld} from '../../sim/memory-world.js';
import {backupStamp} from './files.js';
import {
  HostError,
  type ExecOptions,
  type ExecResult,
  type Host,
  type ReadFileOptions,
  type WriteFileOptions,
  type WriteFileResult,
} from './host.js';
import {displayCommand} from './run-command.js';

/** An unprivileged SSH user's uid; `sudo` runs as 0. */
const userUid = 1000;

/** At most this many pauses while a command's output is played back. */
const playbackBursts = 12;

/** How long a command takes on a real node, in ms (before `pace`). */
export const plausibleMs = (argv: readonly string[]): number => {
  const [command, first, second] = argv;
  switch (command) {
    case 'kubeadm':
      if (first === 'init') return second === 'phase' ? 300 : 3500;
      if (first === 'join') return 2000;
      return 200;
    case 'helm':
      return first === 'upgrade' ? 2000 : 200;
    case 'systemctl':
      return first === 'restart' || first === 'enable' ? 500 : 50;
    case 'tailscale':
      return first === 'set' ? 250 : 100;
    case 'networkctl':
    case 'nmcli':
      return 200;
    case 'kubectl':
      return 200;
    case 'containerd':
      return first === 'config' ? 100 : 30;
    default:
      return 20;
  }
};

export interface SimHostOptions {
  readonly world: MemoryWorld;
  /** The world's host this Host is. */
  readonly host: string;
  /** The name events and errors use (the plan's node name). @default host */
  readonly name?: string;
  /** 1: plausible durations; 0: no waiting at all (tests). */
  readonly pace: number;
  /** The files of a user without sudo may be written only under these (their home). */
  readonly userWritable?: readonly string[];
  readonly now?: () => Date;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, {once: true});
  });

export class SimHost implements Host {
  readonly name: string;
  readonly #options: SimHostOptions;

  constructor(options: SimHostOptions) {
    this.#options = options;
    this.name = options.name ?? options.host;
  }

  get #fs() {
    const fs = this.#options.world.fs(this.#options.host);
    if (!fs) throw new Error(`no host ${this.#options.host} in the demo world`);
    return fs;
  }

  #aborted(argv: readonly string[], sudo: boolean | undefined): HostError {
    return new HostError('aborted', this.name, `stopped while running on ${this.name}`, {
      command: displayCommand(argv, sudo),
    });
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const {signal, onOutput} = options;
    if (signal?.aborted) throw this.#aborted(argv, options.sudo);
    const stdin =
      options.stdin === undefined
        ? undefined
        : typeof options.stdin === 'string'
          ? options.stdin
          : options.stdin.toString('utf8');
    const result = await this.#options.world.run(this.#options.host, argv, {
      uid: options.sudo ? 0 : userUid,
      ...(stdin === undefined ? {} : {stdin}),
    });
    // The output is known at once; it is played back over the command's plausible
    // duration, in a few bursts (a wait per line would cost more than the duration).
    const chunks = [
      ...result.stdout.split(/(?<=\n)/).map((chunk) => ['stdout', chunk] as const),
      ...result.stderr.split(/(?<=\n)/).map((chunk) => ['stderr', chunk] as const),
    ].filter(([, chunk]) => chunk !== '');
    const bursts = Math.min(chunks.length, playbackBursts);
    const each = (plausibleMs(argv) * this.#options.pace) / (bursts + 1);
    for (let burst = 0; burst < bursts; burst++) {
      await sleep(each, signal);
      if (signal?.aborted) throw this.#aborted(argv, options.sudo);
      const from = Math.floor((burst * chunks.length) / bursts);
      const to = Math.floor(((burst + 1) * chunks.length) / bursts);
      for (const [stream, chunk] of chunks.slice(from, to)) onOutput?.(stream, chunk);
    }
    await sleep(each, signal);
    if (signal?.aborted) throw this.#aborted(argv, options.sudo);
    return {code: result.code, stdout: result.stdout, stderr: result.stderr};
  }

  #denied(path: string, what: string): HostError {
    return new HostError(
      'command',
      this.name,
      `${what} ${path} on ${this.name} failed: Permission denied`,
      {command: `(${what} ${path})`},
    );
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<string | undefined> {
    const fs = this.#fs;
    const text = fs.read(path);
    if (text === undefined) return undefined;
    // Others may read it only if its mode says so (root's 0600 admin.conf needs sudo).
    if (!options.sudo && ((fs.mode(path) ?? 0o644) & 0o004) === 0 && !this.#ownedByUser(path))
      throw this.#denied(path, 'reading');
    return text;
  }

  #ownedByUser(path: string): boolean {
    return (this.#options.userWritable ?? []).some((dir) => path.startsWith(`${dir}/`));
  }

  async writeFile(
    path: string,
    content: string | Buffer,
    options: WriteFileOptions = {},
  ): Promise<WriteFileResult> {
    if (!options.sudo && !this.#ownedByUser(path)) throw this.#denied(path, 'writing');
    const fs = this.#fs;
    const text = typeof content === 'string' ? content : content.toString('utf8');
    const before = fs.read(path);
    const beforeMode = fs.mode(path);
    const mode = options.mode ?? beforeMode ?? 0o644;
    if (before === text && beforeMode === mode) return {changed: false};
    let backupPath: string | undefined;
    if (options.backup && before !== undefined) {
      const stamp = backupStamp(this.#options.now?.() ?? new Date());
      backupPath = `${path}.ha-wizard.${stamp}.bak`;
      for (let n = 1; fs.read(backupPath) !== undefined; n++)
        backupPath = `${path}.ha-wizard.${stamp}.${n}.bak`;
      fs.write(backupPath, before, beforeMode);
    }
    fs.write(path, text, mode);
    return backupPath === undefined ? {changed: true} : {changed: true, backupPath};
  }

  async close(): Promise<void> {}
}
