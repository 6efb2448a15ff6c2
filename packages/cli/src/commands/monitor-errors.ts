/**
 * `tidemark monitor errors`: projections' dead letters and the commands the
 * aggregates rejected (409, 422, a decider's 403), by code, as the metrics count them.
 */

import { type DeadLetter, DeadLetterListSchema } from '@tidemark/core/protocol';
import type { Context } from '../context';
import { jsonLine, renderTable } from '../format';
import { parsePrometheus, sumBy } from '../prometheus';
import type { MonitorOptions } from './monitor';
import { repeat } from './monitor';

/** Dead letters listed in the table; the count above it covers them all. */
const SHOWN_DEAD_LETTERS = 20;

export function monitorErrors(context: Context, options: MonitorOptions): Promise<void> {
  return repeat(context, options, async () => {
    const [{ deadLetters }, metrics] = await Promise.all([
      context.client.get<{ deadLetters: DeadLetter[] }>('/api/admin/dead-letters', DeadLetterListSchema),
      context.client.text('/api/admin/metrics'),
    ]);
    const rejected = sumBy(parsePrometheus(metrics), 'commands_rejected_total', 'code');
    const rejectedTotal = Object.values(rejected).reduce((sum, count) => sum + count, 0);
    const at = new Date().toISOString();
    if (context.json) {
      context.out(jsonLine({ at, deadLetters, rejected, rejectedTotal }));
      return;
    }
    context.out(`${at} · dead letters ${deadLetters.length} · rejected commands ${rejectedTotal}\n`);
    if (rejectedTotal > 0) {
      const byCount = Object.entries(rejected).sort(([, a], [, b]) => b - a);
      context.out(renderTable(['rejection code', 'count'], byCount));
    }
    if (deadLetters.length > 0) context.out(deadLettersTable(deadLetters.slice(-SHOWN_DEAD_LETTERS)));
  });
}

export function deadLettersTable(letters: readonly DeadLetter[]): string {
  return renderTable(
    ['id', 'projection', 'event', 'stream', 'error', 'at'],
    letters.map((letter) => [
      letter.id,
      letter.projection,
      `${letter.event.type} v${letter.event.version}`,
      `${letter.event.aggregate}/${letter.event.aggregateId}`,
      letter.error,
      letter.at,
    ]),
  );
}
