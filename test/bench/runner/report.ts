/**
 * The Markdown of a bench run: one table of medians with their baselines and
 * ratios, one of how the cost per item grows with the workload, and the
 * machine it ran on.
 */
import type { Throughput } from '../browser/browser-bench';
import type { Report } from './main';
import { NOTES } from './notes';
import { scalingRows } from './scaling';
import { median, medianOf, percentile } from './stats';

export function renderMarkdown(report: Report): string {
  const { samples, machine, load, options } = report;
  const rows = [
    ...commandRows(samples, options.scales),
    ...feedRows(samples, options.scales),
    ...browserRows(samples, options.scales),
    ...peerRows(samples, options.scales),
  ];
  const lines = [
    `# Tidemark benchmarks (${options.runs} runs, medians)`,
    '',
    table(['Measure', 'Scale (items)', 'Tidemark', 'Baseline / peer', 'Tidemark ÷ baseline'], rows),
    '',
    '## Cost per item as the workload grows (1× = 1.00; linear stays near 1)',
    '',
    table(['Measure', ...options.scales.map((s) => `${s}×`), 'Superlinear?'], scalingRows(report)),
    '',
    '## What each number includes',
    '',
    ...NOTES.map((note) => `- ${note}`),
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${fmt(machine.totalMemMiB)} MiB; Node ${machine.node}; commit ${machine.commit}.`,
    `Load average (1/5/15 min): ${load.before.loadavg.join(' / ')} before, ${load.after.loadavg.join(' / ')} after; ${report.durationSeconds} s in all.`,
    '',
  ];
  return lines.join('\n');
}

type Samples = Report['samples'];

function commandRows(samples: Samples, scales: readonly number[]): string[][] {
  const rows: string[][] = [];
  const { tidemark, bare, 'bare-per-order': perOrder } = samples.sequential;
  if (tidemark && bare) {
    const label = `1× (${tidemark[0]?.requests})`;
    rows.push([
      'Commands, 1 client',
      label,
      rate(tidemark, 'cmd/s'),
      `bare, 1 object: ${rate(bare, 'req/s')}`,
      ratio(tidemark, bare),
    ]);
    if (perOrder) {
      const baseline = `bare, 1 object per order: ${rate(perOrder, 'req/s')}; ${split(perOrder)}`;
      rows.push(['', '', `${split(tidemark)}; ${server(tidemark)}`, baseline, ratio(tidemark, perOrder)]);
    }
  }
  for (const scale of scales) {
    const c = samples.concurrent[scale];
    if (!c?.tidemark || !c.bare) continue;
    const caughtUp = medianOf(c.tidemark, (r) => r.viewsCaughtUpSeconds ?? 0);
    const cell = `${rate(c.tidemark, 'cmd/s')}; views +${caughtUp.toFixed(2)} s`;
    const label = `${scale}× (${c.tidemark[0]?.requests})`;
    rows.push([
      'Commands, 8 clients',
      label,
      cell,
      `bare, 8 objects: ${rate(c.bare, 'req/s')}`,
      ratio(c.tidemark, c.bare),
    ]);
  }
  return rows;
}

function feedRows(samples: Samples, scales: readonly number[]): string[][] {
  return scales.flatMap((scale) => {
    const f = samples.feed[scale];
    if (f === undefined) return [];
    const perSecond = (runs: typeof f.tidemark) => medianOf(runs, (r) => r.eventsPerSecond);
    const cell = (runs: typeof f.tidemark) =>
      `${fmt(perSecond(runs))} ev/s, page p50 ${ms(medianOf(runs, (r) => r.pageP50Ms))} / p99 ${ms(medianOf(runs, (r) => r.pageP99Ms))}`;
    const label = `${scale}× (${fmt(f.tidemark[0]?.events ?? 0)})`;
    return [
      [
        'Feed read, pages of 1,000',
        label,
        cell(f.tidemark),
        `bare page read: ${cell(f.bare)}`,
        x(perSecond(f.tidemark) / perSecond(f.bare)),
      ],
    ];
  });
}

function browserRows(samples: Samples, scales: readonly number[]): string[][] {
  return scales.flatMap((scale) => {
    const b = samples.browser[scale];
    if (b === undefined) return [];
    const label = `${scale}× (${fmt(b[0]?.events ?? 0)})`;
    const tidemark = b.map((r) => r.tidemark);
    const against = (name: string, unit: string, runs: (Throughput | null)[]) => {
      const present = runs.filter((run): run is Throughput => run !== null);
      return present.length === 0 ? [] : [['', '', '', `${name}: ${tp(present, unit)}`, tpRatio(tidemark, present)]];
    };
    const naive = b.find((r) => r.naive !== null)?.naive;
    const [first, ...others] = [
      ...against(
        'raw bulkPut, fetched',
        'rows/s',
        b.map((r) => r.rawNetwork),
      ),
      ...against(
        'raw bulkPut, from memory',
        'rows/s',
        b.map((r) => r.rawMemory),
      ),
      ...against(
        'RxDB (Dexie) bulkInsert, fetched',
        'docs/s',
        b.map((r) => r.rxdb),
      ),
      ...against(
        `naive client (first ${fmt(naive?.items ?? 0)} events)`,
        'ev/s',
        b.map((r) => r.naive),
      ),
    ];
    const head = ['Browser initial sync', label, tp(tidemark, 'ev/s'), first?.[3] ?? '', first?.[4] ?? ''];
    return [
      head,
      ...others,
      ['Browser `client.get` (orders view)', label, latency(b.map((r) => r.lookupMs)), '', ''],
      ['Browser live query after a 200-event live frame', label, latency(b.map((r) => r.liveUpdateMs)), '', ''],
    ];
  });
}

function peerRows(samples: Samples, scales: readonly number[]): string[][] {
  return scales.flatMap((scale) => {
    const p = samples.peers[scale];
    if (p === undefined) return [];
    const core = medianOf(p.tidemarkCore, (r) => r.perSecond);
    const emmett = medianOf(p.emmett, (r) => r.perSecond);
    const label = `${scale}× (${fmt(p.emmett[0]?.commandsPerStore ?? 0)})`;
    return [
      [
        'Decider loop in Node, in memory',
        label,
        `Tidemark core: ${fmt(core)} cmd/s`,
        `Emmett 0.42: ${fmt(emmett)} cmd/s`,
        x(core / emmett),
      ],
    ];
  });
}

function rate(runs: { perSecond: number; p50Ms: number; p99Ms: number }[], unit: string): string {
  return `${fmt(medianOf(runs, (r) => r.perSecond))} ${unit}, p50 ${ms(medianOf(runs, (r) => r.p50Ms))} / p99 ${ms(medianOf(runs, (r) => r.p99Ms))}`;
}

/** Tidemark's own metrics: time in the Worker's command handler, and in the aggregate call within it. */
function server(runs: { serverCommandMs: number | null; serverAppendMs: number | null }[]): string {
  const command = runs.flatMap((r) => (r.serverCommandMs === null ? [] : [r.serverCommandMs]));
  const append = runs.flatMap((r) => (r.serverAppendMs === null ? [] : [r.serverAppendMs]));
  if (command.length === 0 || append.length === 0) return 'no server metrics';
  return `mean in Worker ${ms(median(command))}, of it aggregate + feed hand-off ${ms(median(append))}`;
}

/** First request per order (a new object) and second (a warm one), median p50s. */
function split(runs: { createP50Ms: number; payP50Ms: number }[]): string {
  return `1st/2nd per order p50 ${ms(medianOf(runs, (r) => r.createP50Ms))}/${ms(medianOf(runs, (r) => r.payP50Ms))}`;
}

function ratio(tidemark: { perSecond: number }[], baseline: { perSecond: number }[]): string {
  return x(medianOf(tidemark, (r) => r.perSecond) / medianOf(baseline, (r) => r.perSecond));
}

function tp(runs: Throughput[], unit: string): string {
  const heaps = runs.flatMap((r) => (r.peakHeapMiB === null ? [] : [r.peakHeapMiB]));
  const heap = heaps.length > 0 ? `, heap ${median(heaps).toFixed(0)} MiB` : '';
  return `${fmt(medianOf(runs, (r) => r.perSecond))} ${unit}${heap}`;
}

const tpRatio = (a: Throughput[], b: Throughput[]) =>
  x(medianOf(a, (r) => r.perSecond) / medianOf(b, (r) => r.perSecond));

function latency(runs: readonly (readonly number[])[]): string {
  if (runs.every((r) => r.length === 0)) return '—';
  const p50 = median(runs.map((r) => percentile(r, 50)));
  const p99 = median(runs.map((r) => percentile(r, 99)));
  return `p50 ${ms(p50)} / p99 ${ms(p99)} (${runs[0]?.length} each)`;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number) => `${n >= 10 ? n.toFixed(0) : n.toFixed(1)} ms`;
const x = (n: number) => `${n.toFixed(2)}×`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
