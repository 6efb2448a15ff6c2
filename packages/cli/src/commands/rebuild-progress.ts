/**
 * How a rebuild shows its progress on stderr: a bar on a terminal, plain
 * lines elsewhere (logs, CI, tests), where a redrawn bar would be noise.
 */

import type { ProjectionStatus } from '@tidemark/core/protocol';
import cliProgress from 'cli-progress';
import type { Context } from '../context';

export interface RebuildProgress {
  update(status: ProjectionStatus): void;
  /** The rebuild is over and the projection caught up. */
  finish(status: ProjectionStatus): void;
}

export function rebuildProgress(context: Context, name: string): RebuildProgress {
  const stream = context.runtime.stderr;
  return stream.isTTY === true ? barProgress(stream as NodeJS.WritableStream, name) : lineProgress(context, name);
}

/**
 * Percent done of a rebuild at `position` of `head` (feed positions); 100
 * for an empty feed.
 *
 * @example rebuildPercent({ position: 250, head: 1000 }) === 25
 */
export function rebuildPercent(rebuild: { readonly position: number; readonly head: number }): number {
  if (rebuild.head <= 0) return 100;
  return Math.min(100, Math.floor((rebuild.position / rebuild.head) * 100));
}

/** @example progressLine('order-views', { position: 250, head: 1000 }) === 'order-views: rebuilding 250/1000 events (25%)' */
export function progressLine(name: string, rebuild: { readonly position: number; readonly head: number }): string {
  return `${name}: rebuilding ${rebuild.position}/${rebuild.head} events (${rebuildPercent(rebuild)}%)`;
}

function lineProgress(context: Context, name: string): RebuildProgress {
  let last = '';
  let head: number | undefined;
  return {
    update(status) {
      if (status.rebuild === undefined) return;
      head = status.rebuild.head;
      const line = progressLine(name, status.rebuild);
      if (line !== last) context.note(`${line}\n`);
      last = line;
    },
    finish(status) {
      const done = head === undefined ? '' : ` ${head}/${head} events`;
      context.note(`${name}: rebuilt${done} (100%) · ${status.state} · lag ${status.lag}\n`);
    },
  };
}

function barProgress(stream: NodeJS.WritableStream, name: string): RebuildProgress {
  const bar = new cliProgress.SingleBar(
    { stream, format: `${name} [{bar}] {percentage}% | {value}/{total} events`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const show = (position: number, head: number) => {
    if (!started) bar.start(head, position);
    else bar.update(position);
    bar.setTotal(head);
    started = true;
  };
  return {
    update(status) {
      if (status.rebuild !== undefined) show(status.rebuild.position, status.rebuild.head);
    },
    finish(status) {
      // A rebuild that was over before the first reading never drew a bar.
      if (started) {
        bar.update(bar.getTotal());
        bar.stop();
      }
      stream.write(`${name}: rebuilt · ${status.state} · lag ${status.lag}\n`);
    },
  };
}
