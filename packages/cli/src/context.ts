/**
 * What every command runs with: a client for the server, the output streams
 * and whether to print JSON. Made from the global options and the
 * environment, checked before any request is sent.
 */
import type { ModuleLoader } from './app-module';
import { CliError, EXIT } from './cli-error';
import { HttpClient } from './http-client';

/** Where `wrangler dev` serves by default (`npm run dev`). */
export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** An output stream; the bar of a rebuild needs a terminal (`isTTY`). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The process around the CLI, passed in so that tests can run it in-process. */
export interface Runtime {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Aborted on Ctrl-C: loops stop, requests in flight are cancelled. */
  readonly signal: AbortSignal;
  readonly loadModule: ModuleLoader;
  readonly fetch?: typeof fetch;
}

/** The global options as commander parsed them. */
export interface GlobalOptions {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

export interface Context {
  readonly client: HttpClient;
  readonly json: boolean;
  readonly runtime: Runtime;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr: progress and notes that must not mix with `--json` output. */
  note(text: string): void;
}

/**
 * @example
 * const context = createContext({ json: true }, { ...runtime, env: { TIDEMARK_TOKEN: token } });
 */
export function createContext(options: GlobalOptions, runtime: Runtime): Context {
  const baseUrl = parseBaseUrl(options.url ?? nonEmpty(runtime.env.TIDEMARK_URL) ?? DEFAULT_URL);
  const token = options.token ?? nonEmpty(runtime.env.TIDEMARK_TOKEN);
  if (token === undefined) {
    throw new CliError(
      'missing_token',
      'no token: pass --token <jwt> or set TIDEMARK_TOKEN (in development, POST /api/dev/token makes one)',
      EXIT.usage,
    );
  }
  const client = new HttpClient({
    baseUrl,
    token,
    signal: runtime.signal,
    ...(runtime.fetch === undefined ? {} : { fetch: runtime.fetch }),
  });
  return {
    client,
    json: options.json === true,
    runtime,
    out: (text) => runtime.stdout.write(text),
    note: (text) => runtime.stderr.write(text),
  };
}

/** An http(s) URL without a trailing slash, or a usage error. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('invalid_url', `--url ${text} is not a URL`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('invalid_url', `--url must be http or https, not ${url.protocol}`, EXIT.usage);
  }
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
