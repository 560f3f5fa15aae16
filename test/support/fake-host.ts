// A Host that answers commands from a script of matchers (aesthetics habit 13;
// k0sctl's rigtest mock runner): argv matched by exact array or by a RegExp on
// the quoted command line, answered with recorded stdout/stderr/exit code
// (taken from fixtures/real/ where one exists). It records every call and
// keeps a little filesystem, so a test asserts what the host ends up with.
import {readFileSync} from 'node:fs';
import {quoteCommand} from '../../source/core/remote/quote.js';
import type {
  ExecOptions,
  ExecResult,
  Host,
  ReadFileOptions,
  WriteFileOptions,
  WriteFileResult,
} from '../../source/engine/host/host.js';

export interface FakeReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly code?: number;
}

export interface FakeCall {
  readonly argv: readonly string[];
  /** The quoted command line, without sudo. */
  readonly line: string;
  readonly sudo: boolean;
  readonly stdin: string | undefined;
}

export type Answer =
  FakeReply | ((call: FakeCall, host: FakeHost) => FakeReply | Promise<FakeReply>);

type Matcher = readonly string[] | RegExp;

interface Rule {
  readonly matcher: Matcher;
  readonly answer: Answer;
  readonly times: number | undefined;
  used: number;
}

const matches = (matcher: Matcher, call: FakeCall): boolean =>
  matcher instanceof RegExp
    ? matcher.test(call.line)
    : matcher.length === call.argv.length &&
      matcher.every((part, index) => part === call.argv[index]);

export const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8');

export class FakeHost implements Host {
  readonly calls: FakeCall[] = [];
  readonly files = new Map<string, string>();
  readonly writes: Array<{
    readonly path: string;
    readonly content: string;
    readonly options: WriteFileOptions;
  }> = [];
  readonly unmatched: string[] = [];
  closed = 0;
  readonly #rules: Rule[] = [];

  constructor(
    readonly name: string,
    files: Readonly<Record<string, string>> = {},
  ) {
    for (const [path, content] of Object.entries(files)) this.files.set(path, content);
  }

  /** Answer commands matching `matcher`; a later rule wins over an earlier one. `times` limits its use. */
  on(matcher: Matcher, answer: Answer = {}, times?: number): this {
    this.#rules.push({matcher, answer, times, used: 0});
    return this;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw Object.assign(new Error('aborted'), {name: 'AbortError'});
    const call: FakeCall = {
      argv: [...argv],
      line: quoteCommand(argv),
      sudo: options.sudo === true,
      stdin: options.stdin === undefined ? undefined : String(options.stdin),
    };
    this.calls.push(call);
    const rule = [...this.#rules]
      .reverse()
      .find(
        (candidate) =>
          (candidate.times === undefined || candidate.used < candidate.times) &&
          matches(candidate.matcher, call),
      );
    if (!rule) {
      this.unmatched.push(call.line);
      return {
        code: 127,
        stdout: '',
        stderr: `sh: 1: ${argv[0] ?? ''}: not found (FakeHost: no answer)\n`,
      };
    }
    rule.used++;
    const reply = typeof rule.answer === 'function' ? await rule.answer(call, this) : rule.answer;
    const stdout = reply.stdout ?? '';
    const stderr = reply.stderr ?? '';
    if (stdout) options.onOutput?.('stdout', stdout);
    if (stderr) options.onOutput?.('stderr', stderr);
    return {code: reply.code ?? 0, stdout, stderr};
  }

  async readFile(path: string, _options?: ReadFileOptions): Promise<string | undefined> {
    return this.files.get(path);
  }

  async writeFile(
    path: string,
    content: string | Buffer,
    options: WriteFileOptions = {},
  ): Promise<WriteFileResult> {
    const text = String(content);
    if (this.files.get(path) === text) return {changed: false};
    const backup = options.backup && this.files.has(path) ? `${path}.ha-wizard.bak` : undefined;
    if (backup) this.files.set(backup, this.files.get(path) ?? '');
    this.files.set(path, text);
    this.writes.push({path, content: text, options});
    return backup ? {changed: true, backupPath: backup} : {changed: true};
  }

  async close(): Promise<void> {
    this.closed++;
  }

  /** Quoted command lines run so far, `sudo ` in front where sudo was asked for. */
  lines(): string[] {
    return this.calls.map((call) => (call.sudo ? `sudo ${call.line}` : call.line));
  }
}
