// A Host whose commands outside sudo's secure_path are called by their
// absolute path (core/remote/which.ts): doctor and its fixes run `sudo crictl`
// and `sudo containerd` the way the run does, so a tool the kubeadm install
// guide's tarball steps put in /usr/local/bin is found on the RHEL family too.
import {needsAbsolutePath, parseWhich, whichArgv} from '../../core/remote/which.js';
import type {
  ExecOptions,
  ExecResult,
  Host,
  ReadFileOptions,
  WriteFileOptions,
  WriteFileResult,
} from './host.js';

export class CommandPathsHost implements Host {
  constructor(
    private readonly inner: Host,
    private readonly paths: ReadonlyMap<string, string>,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const [command = '', ...rest] = argv;
    const path = this.paths.get(command);
    return this.inner.exec(path === undefined ? argv : [path, ...rest], options);
  }

  readFile(path: string, options?: ReadFileOptions): Promise<string | undefined> {
    return this.inner.readFile(path, options);
  }

  writeFile(
    path: string,
    content: string | Buffer,
    options?: WriteFileOptions,
  ): Promise<WriteFileResult> {
    return this.inner.writeFile(path, content, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Looks `commands` up as the SSH user; a host where the lookup fails keeps bare names. */
export const withCommandPaths = async (
  host: Host,
  commands: readonly string[],
  signal?: AbortSignal,
): Promise<Host> => {
  const result = await host.exec(whichArgv(commands), {
    timeoutMs: 30_000,
    ...(signal ? {signal} : {}),
  });
  const found = result.code === 0 ? parseWhich(result.stdout, commands) : new Map<string, string>();
  const paths = new Map([...found].filter(([, path]) => needsAbsolutePath(path)));
  return paths.size === 0 ? host : new CommandPathsHost(host, paths);
};
