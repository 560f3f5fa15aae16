// An API key file (`--headscale-api-key-file`, `--tailscale-api-key-file`):
// read once into memory. The key never reaches a log, a saved run or a screen;
// an error names the file and the flag, never the content.
import {readFileSync, statSync} from 'node:fs';
import {InputError} from '../../core/errors.js';
import {expandHome} from '../paths.js';
import type {ControlApiConfig} from './control-api.js';

const readKey = (file: string, flag: string): string => {
  let text: string;
  try {
    if (statSync(file).isDirectory())
      throw new InputError(`${flag} ${file} is a folder; give the file that holds the API key.`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${flag} ${file} does not exist; give the file that holds the API key.`
        : `${flag} ${file} cannot be read (${code ?? 'error'}); check its permissions.`,
    );
  }
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length !== 1 || /\s/.test(lines[0] ?? ''))
    throw new InputError(
      `${flag} ${file} must hold the API key alone, on one line (it holds ${lines.length === 0 ? 'nothing' : `${lines.length} lines`}).`,
    );
  const key = lines[0] ?? '';
  // A node's login key is the usual mix-up: both servers print it beside the API key.
  if (key.startsWith('hskey-auth-'))
    throw new InputError(
      `${flag} ${file} holds a Headscale pre-auth key (hskey-auth-…), which logs nodes in; give an API key instead: headscale apikeys create.`,
    );
  if (key.startsWith('tskey-auth-'))
    throw new InputError(
      `${flag} ${file} holds a Tailscale auth key (tskey-auth-…), which logs nodes in; give an API access token (tskey-api-…) from the admin console's Keys page.`,
    );
  return key;
};

/** The control API the flags ask for, or undefined; both at once is a mistake worth a sentence. */
export const controlApiConfig = (options: {
  readonly headscaleApiKeyFile?: string;
  readonly headscaleUrl?: string;
  readonly tailscaleApiKeyFile?: string;
  readonly tailscaleApiUrl?: string;
}): ControlApiConfig | undefined => {
  if (options.headscaleApiKeyFile !== undefined && options.tailscaleApiKeyFile !== undefined)
    throw new InputError(
      '--headscale-api-key-file and --tailscale-api-key-file were both given; a tailnet has one control server, so give the one for yours.',
    );
  if (options.headscaleUrl !== undefined && options.headscaleApiKeyFile === undefined)
    throw new InputError(
      '--headscale-url needs --headscale-api-key-file (the API key to use there).',
    );
  const checkUrl = (url: string | undefined, flag: string) => {
    if (url === undefined) return;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`${flag} ${url} is not a URL; give one like http://headscale.lan:8080.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new InputError(`${flag} ${url} must start with http:// or https://.`);
  };
  checkUrl(options.headscaleUrl, '--headscale-url');
  checkUrl(options.tailscaleApiUrl, '--tailscale-api-url');
  if (options.headscaleApiKeyFile !== undefined)
    return {
      kind: 'headscale',
      key: readKey(options.headscaleApiKeyFile, '--headscale-api-key-file'),
      ...(options.headscaleUrl === undefined ? {} : {url: options.headscaleUrl}),
    };
  if (options.tailscaleApiKeyFile !== undefined)
    return {
      kind: 'tailscale',
      key: readKey(options.tailscaleApiKeyFile, '--tailscale-api-key-file'),
      ...(options.tailscaleApiUrl === undefined ? {} : {url: options.tailscaleApiUrl}),
    };
  return undefined;
};

/** How the wizard's Access screen names the file in its sentences (it has no flag). */
const keyFileLabel = 'The route API key file';

/**
 * The control API for a key file the TUI was given: a Tailscale API key says
 * so by its prefix (`tskey-api-…`); any other key is taken for Headscale's,
 * whose URL then comes from the nodes' own control server.
 */
export const controlApiFromKeyFile = (file: string): ControlApiConfig => {
  const key = readKey(expandHome(file), keyFileLabel);
  return key.startsWith('tskey-') ? {kind: 'tailscale', key} : {kind: 'headscale', key};
};

/** Why the key file cannot be used, in one sentence, or undefined when it can (the key is not kept). */
export const keyFileProblem = (file: string): string | undefined => {
  try {
    controlApiFromKeyFile(file);
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
};
