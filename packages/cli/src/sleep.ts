/**
 * Waiting that Ctrl-C cuts short, for the polling loops (`--follow`,
 * `monitor`, a rebuild's progress).
 */
import { CliError, EXIT } from './cli-error';

/** Resolves after `ms`, or at once when `signal` aborts; true if the full time passed. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `--interval <seconds>` as milliseconds: a positive number, fractions allowed. */
export function parseSeconds(text: string, option: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError('invalid_option', `${option} must be a positive number of seconds, not ${text}`, EXIT.usage);
  }
  return Math.round(seconds * 1000);
}
