/**
 * How the cost per item (seconds per command, event or lookup) grows with the
 * workload, relative to the smallest scale: 1.00 everywhere is linear.
 */
import type { Throughput } from '../browser/browser-bench';
import type { Report } from './main';
import { median, percentile } from './stats';

/** Per-item cost at the largest scale this many times the smallest one's is called superlinear. */
const SUPERLINEAR = 1.5;

export function scalingRows(report: Report): string[][] {
  const { samples, options } = report;
  const series: [string, (scale: number) => number | undefined][] = [
    ['Commands, 8 clients (Tidemark)', (s) => perItem(samples.concurrent[s]?.tidemark?.map((r) => r.perSecond))],
    ['Commands, 8 clients (bare)', (s) => perItem(samples.concurrent[s]?.bare?.map((r) => r.perSecond))],
    ['Feed read (Tidemark)', (s) => perItem(samples.feed[s]?.tidemark.map((r) => r.eventsPerSecond))],
    ['Feed read (bare)', (s) => perItem(samples.feed[s]?.bare.map((r) => r.eventsPerSecond))],
    ['Browser sync (Tidemark)', (s) => perItem(samples.browser[s]?.map((r) => r.tidemark.perSecond))],
    ['Browser raw bulkPut, fetched', (s) => perItem(samples.browser[s]?.map((r) => r.rawNetwork.perSecond))],
    ['Browser RxDB bulkInsert', (s) => perItem(samples.browser[s]?.map((r) => r.rxdb.perSecond))],
    ['Browser sync worker peak heap, per event', (s) => heapPerEvent(samples.browser[s])],
    ['Browser `client.get` p50', (s) => optional(samples.browser[s]?.map((r) => percentile(r.lookupMs, 50)))],
    ['Decider loop (Tidemark core)', (s) => perItem(samples.peers[s]?.tidemarkCore.map((r) => r.perSecond))],
    ['Decider loop (Emmett)', (s) => perItem(samples.peers[s]?.emmett.map((r) => r.perSecond))],
  ];
  const rows: string[][] = [];
  for (const [name, cost] of series) {
    const base = cost(options.scales[0] ?? 1);
    if (base === undefined) continue;
    const growth = options.scales.map((s) => (cost(s) ?? Number.NaN) / base);
    const last = growth.at(-1) ?? 1;
    rows.push([name, ...growth.map((g) => g.toFixed(2)), last >= SUPERLINEAR ? `**yes** (×${last.toFixed(1)})` : 'no']);
  }
  return rows;
}

const perItem = (rates: number[] | undefined) => (rates?.length ? 1 / median(rates) : undefined);
const optional = (values: number[] | undefined) => (values?.length ? median(values) : undefined);

function heapPerEvent(runs: { events: number; tidemark: Throughput }[] | undefined): number | undefined {
  const peaks = runs?.flatMap((r) => (r.tidemark.peakHeapMiB === null ? [] : [r.tidemark.peakHeapMiB / r.events]));
  return peaks?.length ? median(peaks) : undefined;
}
