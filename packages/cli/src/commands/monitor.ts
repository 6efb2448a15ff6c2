/**
 * `tidemark monitor lag|throughput|errors [--interval <s>] [--once]`: samples
 * the admin API again and again (or once) and prints each sample. This file
 * holds the loop and `lag`; throughput and errors have files of their own.
 */
import type { Context } from '../context';
import { jsonLine, projectionsTable } from '../format';
import { sleep } from '../sleep';
import { listProjections } from './projection';

export interface MonitorOptions {
  readonly intervalMs: number;
  /** Print one sample and stop. */
  readonly once: boolean;
}

/** Seconds between samples when `--interval` is not given. */
export const DEFAULT_INTERVAL_SECONDS = 2;

/** A terminal's "clear screen, cursor home": a watching monitor redraws in place. */
const CLEAR_SCREEN = '\u001b[2J\u001b[H';

/** Runs `sample` every interval until Ctrl-C (once with `--once`). */
export async function repeat(context: Context, options: MonitorOptions, sample: () => Promise<void>): Promise<void> {
  const redraw = !options.once && !context.json && context.runtime.stdout.isTTY === true;
  for (;;) {
    if (redraw) context.out(CLEAR_SCREEN);
    await sample();
    if (options.once || !(await sleep(options.intervalMs, context.runtime.signal))) return;
  }
}

export function monitorLag(context: Context, options: MonitorOptions): Promise<void> {
  return repeat(context, options, async () => {
    const projections = await listProjections(context.client);
    const at = new Date().toISOString();
    if (context.json) {
      context.out(jsonLine({ at, projections }));
      return;
    }
    const total = projections.reduce((sum, projection) => sum + projection.lag, 0);
    context.out(`${at} · lag ${total} events across ${projections.length} projections\n`);
    context.out(projectionsTable(projections));
  });
}
