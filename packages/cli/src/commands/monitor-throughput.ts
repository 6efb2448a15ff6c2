/**
 * `tidemark monitor throughput`: events per second from the growth of the
 * feed (counted by paging on from the last cursor), commands and rejections
 * per second from the metrics' counters, between two readings.
 */
import type { Context } from '../context';
import { countToEnd } from '../feed-reader';
import { formatRate, jsonLine, renderTable } from '../format';
import type { HttpClient } from '../http-client';
import { parsePrometheus, sumOf } from '../prometheus';
import { sleep } from '../sleep';
import { type Reading, type Throughput, throughput } from '../throughput';
import type { MonitorOptions } from './monitor';
import { repeat } from './monitor';

export async function monitorThroughput(context: Context, options: MonitorOptions): Promise<void> {
  // The first reading pages through the whole feed once, to find its end.
  let previous = await read(context.client, undefined, 0);
  context.note(`feed at ${previous.reading.feedEvents} events; first rate in ${options.intervalMs / 1000} s\n`);
  if (!(await sleep(options.intervalMs, context.runtime.signal))) return;
  await repeat(context, options, async () => {
    const current = await read(context.client, previous.cursor, previous.reading.feedEvents);
    print(context, throughput(previous.reading, current.reading));
    previous = current;
  });
}

/** Renders one sample; exported for the format's unit test. */
export function throughputTable(sample: Throughput): string {
  return renderTable(
    ['', 'count', 'rate'],
    [
      ['events', sample.events, formatRate(sample.eventsPerSecond)],
      ['commands', sample.commands, formatRate(sample.commandsPerSecond)],
      ['rejected', sample.rejected, formatRate(sample.rejectedPerSecond)],
    ],
  );
}

function print(context: Context, sample: Throughput): void {
  const at = new Date().toISOString();
  if (context.json) {
    context.out(jsonLine({ at, ...sample }));
    return;
  }
  context.out(`${at} · over ${sample.seconds.toFixed(1)} s · feed ${sample.feedEvents} events\n`);
  context.out(throughputTable(sample));
}

async function read(
  client: HttpClient,
  cursor: string | undefined,
  feedEvents: number,
): Promise<{ reading: Reading; cursor: string | undefined }> {
  const [feed, metrics] = await Promise.all([countToEnd(client, cursor), client.text('/api/admin/metrics')]);
  const samples = parsePrometheus(metrics);
  return {
    cursor: feed.cursor,
    reading: {
      atMs: performance.now(),
      newEvents: feed.count,
      feedEvents: feedEvents + feed.count,
      commands: sumOf(samples, 'command_duration_seconds_count'),
      rejected: sumOf(samples, 'commands_rejected_total'),
    },
  };
}
