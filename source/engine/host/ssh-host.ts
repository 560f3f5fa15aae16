// The Host port over ssh2: one connection per host, opened on first use and
// reused for every command of the run (a handshake costs ~30 ms, an exec on
// an open connection ~2 ms, lab-feasibility.md section 4).
import {readFile} from 'node:fs/promises';
import ssh2, {
  Client,
  type AnyAuthMethod,
  type AuthenticationType,
  type ClientChannel,
  type NextAuthHandler,
  type ParsedKey,
} from 'ssh2';
import {quoteCommand} from '../../core/remote/quote.js';
import {agentSocket, defaultIdentityFiles, localUser} from '../paths.js';
import {CommandHost} from './files.js';
import {connectionLostHint, HostError, type ExecOptions, type ExecResult} from './host.js';
import {
  changedKeyMessage,
  checkHostKey,
  fingerprint,
  keyTypeLabel,
  keyTypeOf,
  knownHostsLine,
  preferredHostKeyTypes,
  type KnownHostsFiles,
} from './known-hosts.js';
import {runCommand, SudoPassword, type Exit, type Start, type Started} from './run-command.js';
import {resolveSshSettings} from './ssh-config.js';

// ssh2 is CommonJS and Node's ESM loader only sees some of its named exports
// (`utils` is not one of them), so the key parser comes off the default export.
const {parseKey} = ssh2.utils;

export interface SshHostOptions {
  /** The host's name in the tailnet: what every message calls it. */
  readonly name: string;
  /** What to connect to: an address, a DNS name or a Host alias of the ssh config. */
  readonly address: string;
  /** Overrides the ssh config, as `ssh -p` / `-l` / `-i` do. */
  readonly port?: number;
  readonly user?: string;
  readonly identityFiles?: readonly string[];
  /** The text of ~/.ssh/config (or another config), already read; undefined for none. */
  readonly sshConfig?: string;
  readonly knownHosts: KnownHostsFiles;
  /** Asked for an unknown host key (the TUI answers); without it, unknown keys fail unless accepted below. */
  readonly confirmNewHostKey?: (host: string, fingerprint: string) => Promise<boolean>;
  /** OpenSSH's `StrictHostKeyChecking accept-new`: unknown keys are appended; changed keys still fail. */
  readonly acceptNewHostKeys?: boolean;
  /** Asked for an encrypted key file's passphrase. */
  readonly askPassphrase?: (keyFile: string) => Promise<string | undefined>;
  /** Asked once when sudo wants a password; kept in memory for this host only. */
  readonly askSudoPassword?: (host: string) => Promise<string | undefined>;
  /** The ssh-agent socket; default $SSH_AUTH_SOCK, null for none. */
  readonly agent?: string | null;
  /** Try the `none` method first: it is how Tailscale SSH lets a tailnet peer in. Default true. */
  readonly tryNone?: boolean;
  /** TCP connect + key exchange + authentication, not counting time spent in the callbacks above. */
  readonly connectTimeoutMs?: number;
  /**
   * Told once when Tailscale SSH holds the login for a browser check (its
   * policy's "check" mode), with the URL to open. The login goes on by itself
   * once approved, so the connection then waits `checkTimeoutMs` instead.
   */
  readonly onTailscaleCheck?: (host: string, url: string) => void;
  /** How long to wait for a person to approve a Tailscale SSH check. Default 10 min. */
  readonly checkTimeoutMs?: number;
  /** Told when a connection that waited for a check is ready. */
  readonly onTailscaleCheckDone?: (host: string) => void;
  /**
   * Commands running at once on the connection. sshd's MaxSessions defaults to 10 and a
   * channel over it is refused, so more than that wait their turn here.
   */
  readonly maxChannels?: number;
  /** A dead network (no RST) is noticed after about 3 missed keepalives. */
  readonly keepaliveIntervalMs?: number;
  /** Grace between TERM and KILL when a command is stopped. */
  readonly killGraceMs?: number;
}

/** The host key algorithms ssh2 can verify here (its defaults, ssh-dss left out). */
const hostKeyAlgorithms = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

const socketReasons: Record<string, (where: string) => string> = {
  ECONNREFUSED: (where) => `${where} refused the connection: is sshd running on that port?`,
  EHOSTUNREACH: (where) => `${where} is unreachable: is the host online in the tailnet?`,
  ENETUNREACH: (where) => `${where} is unreachable: there is no route to it from here`,
  ETIMEDOUT: (where) => `${where} did not answer (timed out): is the host online in the tailnet?`,
  ENOTFOUND: (where) => `${where}: the name does not resolve`,
  EAI_AGAIN: (where) => `${where}: the name does not resolve (DNS did not answer)`,
  ECONNRESET: (where) => `${where} closed the connection during the SSH handshake`,
};

/**
 * ssh2's Channel.signal() silently does nothing once we have ended stdin (it
 * checks `writable`), yet RFC 4254 allows channel requests after EOF and every
 * command here gets EOF on stdin at once. So the request goes one level down,
 * to the protocol object, while the channel is still open on our side.
 */
const sendSignal = (channel: ClientChannel, name: 'TERM' | 'KILL') => {
  const internal = channel as unknown as {
    outgoing?: {id: number; state: string};
    _client?: {_protocol?: {signal(id: number, signal: string): void}};
  };
  const protocol = internal._client?._protocol;
  const outgoing = internal.outgoing;
  if (protocol && outgoing && (outgoing.state === 'open' || outgoing.state === 'eof'))
    protocol.signal(outgoing.id, name);
  else channel.signal(name);
};

/** The login URL in a Tailscale SSH "check" banner, if that is what the banner is. */
export const tailscaleCheckUrl = (banner: string): string | undefined =>
  /tailscale/i.test(banner) ? /https:\/\/\S+/.exec(banner)?.[0] : undefined;

/** A small FIFO semaphore: channels per connection. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async take(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}

export class SshHost extends CommandHost {
  readonly name: string;
  /** Where the connection goes, after the ssh config. */
  readonly target: {readonly hostName: string; readonly port: number; readonly user: string};
  #handshakes = 0;
  #lastConnectMs: number | undefined;
  #connection: Promise<Client> | undefined;
  #client: Client | undefined;
  readonly #slots: Slots;
  readonly #sudo: SudoPassword;
  readonly #identityFiles: readonly string[];
  readonly #explicitIdentities: ReadonlySet<string>;
  readonly #useAgent: boolean;
  readonly #knownHostsFiles: KnownHostsFiles;

  constructor(private readonly options: SshHostOptions) {
    super();
    this.name = options.name;
    const settings = resolveSshSettings(options.sshConfig, options.address, localUser());
    this.target = {
      hostName: settings.hostName,
      port: options.port ?? settings.port ?? 22,
      user: options.user ?? settings.user ?? localUser(),
    };
    const explicit = options.identityFiles ?? [];
    const configured = [...explicit, ...settings.identityFiles];
    this.#explicitIdentities = new Set(explicit);
    this.#identityFiles = configured.length > 0 ? configured : defaultIdentityFiles();
    this.#useAgent = options.agent !== null && settings.identitiesOnly !== true;
    this.#knownHostsFiles = options.knownHosts;
    this.#slots = new Slots(options.maxChannels ?? 8);
    this.#sudo = new SudoPassword(options.name, options.askSudoPassword);
  }

  /** SSH handshakes made so far: 1 for a whole run unless the connection was lost. */
  get handshakes(): number {
    return this.#handshakes;
  }

  /** Milliseconds the last connect took (TCP + key exchange + auth), prompts excluded. */
  get lastConnectMs(): number | undefined {
    return this.#lastConnectMs;
  }

  /** Opens the connection now (it is otherwise opened by the first command). */
  async connect(): Promise<void> {
    await this.#connected();
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return runCommand(
      {host: this.name, start: this.#start, sudoNeeded: true, sudoPassword: this.#sudo},
      argv,
      options,
    );
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#connection = undefined;
    this.#client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
      // end() on a socket that is already gone emits nothing.
      setTimeout(resolve, 1000).unref();
    });
  }

  #connected(): Promise<Client> {
    this.#connection ??= this.#open().catch((error: unknown) => {
      this.#connection = undefined;
      throw error;
    });
    return this.#connection;
  }

  readonly #start: Start = async (argv, sink) => {
    const line = quoteCommand(argv);
    const release = await this.#slots.take();
    let client: Client;
    try {
      client = await this.#connected();
      // Everything is wired inside exec's callback, synchronously: a fast command's
      // output, exit status and close can arrive in the same TCP read as the
      // channel confirmation, and ssh2 emits 'exit' only once.
      return await new Promise<Started>((resolve, reject) => {
        client.exec(line, (error, channel) => {
          if (error) reject(error);
          else resolve(this.#wire(client, channel, sink, release));
        });
      });
    } catch (error) {
      release();
      if (error instanceof HostError) throw error;
      throw new HostError(
        'connection-lost',
        this.name,
        `could not start a command on ${this.name}: ${(error as Error).message}`,
        {command: line, cause: error, hint: connectionLostHint(this.name)},
      );
    }
  };

  #wire(
    client: Client,
    channel: ClientChannel,
    sink: Parameters<Start>[1],
    release: () => void,
  ): Started {
    let exit: Exit | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let giveUpTimer: NodeJS.Timeout | undefined;
    let settle: ((exit: Exit) => void) | undefined;
    channel.on('data', (chunk: Buffer) => sink.onStdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => sink.onStderr(chunk));
    // ssh2 passes (code) for a normal exit and (null, 'SIGTERM', ...) for a signal.
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = signal ? {code: null, signal: signal.replace(/^SIG/, '')} : {code};
    });
    let lost: string | undefined;
    const onClientGone = (error?: Error) => {
      lost ??= error?.message ?? 'the connection closed';
    };
    client.on('error', onClientGone);
    client.on('close', onClientGone);
    let settled = false;
    const done = new Promise<Exit>((resolve, reject) => {
      settle = (given) => {
        if (settled) return;
        settled = true;
        client.off('error', onClientGone);
        client.off('close', onClientGone);
        release();
        resolve(given);
      };
      channel.on('close', () => {
        if (settled) return;
        settled = true;
        client.off('error', onClientGone);
        client.off('close', onClientGone);
        if (killTimer) clearTimeout(killTimer);
        if (giveUpTimer) clearTimeout(giveUpTimer);
        release();
        // A channel closed by the connection going away has no exit status.
        if (exit) resolve(exit);
        else if (lost !== undefined || !this.#isOpen(client))
          reject(new Error(lost ?? 'the connection closed'));
        else resolve({code: null});
      });
    });
    return {
      writeStdin: (data) => {
        channel.write(data);
      },
      endStdin: () => {
        channel.end();
      },
      kill: () => {
        // sshd (OpenSSH >= 7.9) delivers this with killpg to the session's process
        // group; sudo relays TERM to its command. Closing the channel alone would
        // leave a non-pty command running until it next writes.
        sendSignal(channel, 'TERM');
        const grace = this.options.killGraceMs ?? 2000;
        killTimer ??= setTimeout(() => {
          sendSignal(channel, 'KILL');
          channel.close();
          // A server that refuses signals (OpenSSH for a ForceCommand session, some
          // embedded ones) keeps the channel open while the command lives: stop waiting.
          giveUpTimer = setTimeout(() => settle?.({code: null, unconfirmed: true}), grace);
        }, grace);
      },
      done,
    };
  }

  #isOpen(client: Client): boolean {
    return this.#client === client;
  }

  async #open(): Promise<Client> {
    const {hostName, port, user} = this.target;
    const where = port === 22 ? `${this.name} (${hostName})` : `${this.name} (${hostName}:${port})`;
    const entries = await this.#knownHostsFiles.entries();
    const client = new Client();
    const timeoutMs = this.options.connectTimeoutMs ?? 20_000;
    const began = Date.now();
    let waited = 0;
    let verdict: HostError | undefined;
    let authFailure: HostError | undefined;
    const tried: string[] = [];
    let banner = '';

    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (error: HostError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
        client.end();
      };
      let checkUrl: string | undefined;
      const arm = () => {
        clearTimeout(timer);
        const limit = checkUrl === undefined ? timeoutMs : (this.options.checkTimeoutMs ?? 600_000);
        timer = setTimeout(() => {
          const check = tailscaleCheckUrl(banner);
          fail(
            check
              ? new HostError(
                  'auth',
                  this.name,
                  `Tailscale SSH on ${this.name} wants a browser check first: open ${check}, then run again`,
                  {
                    hint: 'Or change the tailnet policy\'s SSH rule for these nodes from "check" to "accept".',
                  },
                )
              : new HostError(
                  'connect',
                  this.name,
                  `SSH to ${where} timed out after ${timeoutMs / 1000} s`,
                  {hint: 'Check that the host is online (`tailscale status`) and sshd is running.'},
                ),
          );
          client.destroy();
        }, limit);
      };
      // Time spent waiting for a person (host key, passphrase) does not count.
      const whilePaused = async <T>(ask: () => Promise<T>): Promise<T> => {
        clearTimeout(timer);
        const pausedAt = Date.now();
        try {
          return await ask();
        } finally {
          waited += Date.now() - pausedAt;
          if (!settled) arm();
        }
      };

      // Tailscale SSH in "check" mode holds the `none` login and says why in a banner.
      client.on('banner', (message: string) => {
        banner += message;
        const url = tailscaleCheckUrl(banner);
        if (url === undefined || checkUrl !== undefined || settled) return;
        // A person has to open a browser now: give them time, and tell whoever shows the run.
        checkUrl = url;
        arm();
        this.options.onTailscaleCheck?.(this.name, url);
      });
      client.on('handshake', () => {
        this.#handshakes += 1;
      });
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#lastConnectMs = Date.now() - began - waited;
        if (checkUrl !== undefined) this.options.onTailscaleCheckDone?.(this.name);
        this.#client = client;
        client.on('close', () => {
          if (this.#client === client) {
            this.#client = undefined;
            this.#connection = undefined;
          }
        });
        resolve(client);
      });
      client.on('error', (error: Error & {level?: string; code?: string}) => {
        if (settled) return;
        if (verdict) return fail(verdict);
        if (error.level === 'client-authentication') {
          return fail(
            authFailure ??
              new HostError(
                'auth',
                this.name,
                `SSH to ${where} as ${user} was refused; tried ${tried.length > 0 ? tried.join(', ') : 'no method (no ssh-agent, no key file found)'}`,
                {
                  hint: 'Check the user (--ssh-user) and that one of these keys is in its authorized_keys.',
                },
              ),
          );
        }
        const reason = error.code ? socketReasons[error.code] : undefined;
        fail(
          new HostError(
            'connect',
            this.name,
            reason ? `SSH to ${reason(where)}` : `SSH to ${where} failed: ${error.message}`,
            {cause: error},
          ),
        );
      });
      client.on('close', () =>
        fail(
          new HostError(
            'connect',
            this.name,
            `SSH to ${where} failed: the connection closed during setup`,
          ),
        ),
      );

      const hostVerifier = (key: Buffer, verify: (valid: boolean) => void) => {
        this.#verifyHostKey(key, entries, whilePaused).then(
          () => verify(true),
          (error: unknown) => {
            verdict =
              error instanceof HostError
                ? error
                : new HostError(
                    'host-key',
                    this.name,
                    `checking ${this.name}'s host key failed: ${String(error)}`,
                  );
            verify(false);
          },
        );
      };

      const steps = this.#authSteps(user, whilePaused);
      const authHandler = (
        methodsLeft: AuthenticationType[] | null,
        _partial: boolean,
        next: NextAuthHandler,
      ) => {
        const pick = async (): Promise<AnyAuthMethod | false> => {
          for (;;) {
            const step = steps.shift();
            if (step === undefined) return false;
            const allowedName = step.type === 'agent' ? 'publickey' : step.type;
            // The first call has no list yet; afterwards skip what the server does not offer.
            if (
              methodsLeft &&
              step.type !== 'none' &&
              !methodsLeft.includes(allowedName as AuthenticationType)
            )
              continue;
            const method = await step.method();
            if (method === undefined) continue;
            tried.push(step.label);
            return method;
          }
        };
        pick().then(
          (method) => next(method as AnyAuthMethod),
          (error: unknown) => {
            authFailure =
              error instanceof HostError
                ? error
                : new HostError('auth', this.name, `SSH to ${where}: ${String(error)}`);
            next(false as unknown as AnyAuthMethod);
          },
        );
      };

      arm();
      client.connect({
        host: hostName,
        port,
        username: user,
        readyTimeout: 0, // our own timer above, paused while a person answers
        keepaliveInterval: this.options.keepaliveIntervalMs ?? 5000,
        keepaliveCountMax: 3,
        algorithms: {
          serverHostKey: preferredHostKeyTypes(
            entries,
            [hostName],
            port,
            hostKeyAlgorithms,
          ) as never,
        },
        hostVerifier,
        authHandler: authHandler as never,
      });
      // P1 (lab-feasibility.md section 9): ssh2 leaves Nagle on and every exec then waits ~40 ms for a delayed ACK.
      client.setNoDelay(true);
    });
  }

  async #verifyHostKey(
    key: Buffer,
    entries: Awaited<ReturnType<KnownHostsFiles['entries']>>,
    whilePaused: <T>(ask: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const {hostName, port} = this.target;
    const file = this.#knownHostsFiles.writeTarget;
    const print = fingerprint(key);
    const check = checkHostKey(entries, [hostName], port, key);
    switch (check.status) {
      case 'known':
        return;
      case 'revoked':
        throw new HostError(
          'host-key',
          this.name,
          `${this.name}'s ${keyTypeLabel(keyTypeOf(key))} host key ${print} is marked @revoked in ${check.entry.file}:${check.entry.line}; refusing to connect`,
        );
      case 'changed': {
        const offending = check.entries[0];
        if (offending === undefined) throw new Error('changed without an entry');
        throw new HostError(
          'host-key',
          this.name,
          `${changedKeyMessage(this.name === hostName ? hostName : `${this.name} (${hostName})`, key, offending)}`,
          {
            hint: `If you know the host was reinstalled, remove the old key with \`ssh-keygen -R ${port === 22 ? hostName : `'[${hostName}]:${port}'`} -f ${offending.file}\` and connect again.`,
          },
        );
      }
      case 'unknown': {
        const accept = this.options.acceptNewHostKeys
          ? true
          : this.options.confirmNewHostKey
            ? await whilePaused(
                () => this.options.confirmNewHostKey?.(this.name, print) ?? Promise.resolve(false),
              )
            : undefined;
        if (accept === undefined) {
          throw new HostError(
            'host-key',
            this.name,
            `${this.name} (${hostName}) is not in ${file}: its ${keyTypeLabel(keyTypeOf(key))} host key is ${print}; confirm it interactively or pass --accept-new-host-keys`,
          );
        }
        if (!accept) {
          throw new HostError(
            'host-key',
            this.name,
            `the ${keyTypeLabel(keyTypeOf(key))} host key of ${this.name} (${print}) was not accepted, so it was not connected`,
          );
        }
        await this.#knownHostsFiles.append(knownHostsLine(hostName, port, key));
        return;
      }
    }
  }

  /** The authentication methods to try, in OpenSSH's order; key files are read lazily. */
  #authSteps(
    user: string,
    whilePaused: <T>(ask: () => Promise<T>) => Promise<T>,
  ): Array<{
    type: 'none' | 'agent' | 'publickey';
    label: string;
    method: () => Promise<AnyAuthMethod | undefined>;
  }> {
    const agent =
      this.options.agent === undefined ? agentSocket() : (this.options.agent ?? undefined);
    const steps: Array<{
      type: 'none' | 'agent' | 'publickey';
      label: string;
      method: () => Promise<AnyAuthMethod | undefined>;
    }> = [];
    if (this.options.tryNone ?? true)
      steps.push({
        type: 'none',
        label: 'Tailscale SSH (none)',
        method: async () => ({type: 'none', username: user}),
      });
    if (this.#useAgent && agent !== undefined)
      steps.push({
        type: 'agent',
        label: 'ssh-agent',
        method: async () => ({type: 'agent', username: user, agent}),
      });
    for (const file of this.#identityFiles) {
      steps.push({
        type: 'publickey',
        label: `key ${file}`,
        method: async () => {
          const key = await this.#loadKey(file, whilePaused);
          return key === undefined ? undefined : {type: 'publickey', username: user, key};
        },
      });
    }
    return steps;
  }

  async #loadKey(
    file: string,
    whilePaused: <T>(ask: () => Promise<T>) => Promise<T>,
  ): Promise<ParsedKey | undefined> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Like ssh: configured and default identities that do not exist are skipped.
      if (code === 'ENOENT' && !this.#explicitIdentities.has(file)) return undefined;
      throw new HostError(
        'auth',
        this.name,
        `cannot read the identity file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      );
    }
    const first = parseKey(data);
    if (!(first instanceof Error)) return Array.isArray(first) ? first[0] : first;
    if (!/no passphrase given/i.test(first.message)) {
      throw new HostError(
        'auth',
        this.name,
        `the identity file ${file} is not a private key ssh2 can read: ${first.message}`,
      );
    }
    const ask = this.options.askPassphrase;
    if (ask === undefined) return undefined; // encrypted and nobody to ask: try the next method
    for (let attempt = 0; attempt < 3; attempt++) {
      const passphrase = await whilePaused(() => ask(file));
      if (passphrase === undefined) return undefined;
      const parsed = parseKey(data, passphrase);
      if (!(parsed instanceof Error)) return Array.isArray(parsed) ? parsed[0] : parsed;
    }
    throw new HostError('auth', this.name, `the passphrase for ${file} is wrong`);
  }
}
