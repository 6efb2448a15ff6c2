/**
 * Counters and histograms as plain data, so they can be summed across
 * isolates (each Worker isolate buffers its own, the tenant's MetricsObject
 * adds them up) and rendered in the Prometheus text format.
 *
 * No client library: prom-client needs Node's process and timers and keeps a
 * global registry, which is the wrong shape for merging deltas from isolates.
 */

/** Upper bounds in seconds: from a cached read (~1 ms) to a waitFor at its limit (5 s). */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface HistogramData {
  readonly kind: 'histogram';
  /** Count per bucket of DURATION_BUCKETS (not cumulative), then +Inf. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

export interface CounterData {
  readonly kind: 'counter';
  value: number;
}

/** Series by metric name, then by rendered label set (`{a="b"}`). */
export type MetricSet = Record<string, Record<string, HistogramData | CounterData>>;

/**
 * Every metric Tidemark exposes, in the order it renders them: the seed's eight
 * (command latency and throughput, rejections, appends, projection lag,
 * projection failures, query latency, cache hit rate, consistency-check
 * failures). The README's metrics table says what moves each.
 */
export const METRICS = {
  command_duration_seconds: {
    type: 'histogram',
    help: 'Time to answer a command at the edge, from request to response, by HTTP status (status="200": accepted).',
  },
  event_append_duration_seconds: {
    type: 'histogram',
    help: 'Time for the aggregate object to decide, append and hand off an accepted command.',
  },
  commands_rejected_total: {
    type: 'counter',
    help: 'Commands the aggregate rejected ("status": "rejected": 409 conflicts, 422 rules, 403 from a decider), by code and HTTP status. Requests refused before the aggregate (400, 403, 413) are not counted here.',
  },
  query_duration_seconds: { type: 'histogram', help: 'Time to answer a feed or view read at the edge, by route.' },
  projection_lag_events: { type: 'gauge', help: 'Events between the feed head and a projection.' },
  projection_lag_seconds: {
    type: 'gauge',
    help: 'Seconds since the oldest event a projection has not applied was committed; 0 when it is caught up.',
  },
  projection_failures_total: {
    type: 'counter',
    help: 'Events a projection handler refused, sent to its dead letters (again when a rebuild or resume meets them), by projection.',
  },
  view_cache_reads_total: {
    type: 'counter',
    help: "View reads by what the edge's stale-answer cache did: fresh (the projection answered, the answer is kept), hit (the projection failed, the kept answer was served stale), miss (the projection failed and nothing was kept).",
  },
  consistency_timeouts_total: {
    type: 'counter',
    help: 'waitFor answers that timed out (504 consistency_timeout), by route: the failed consistency checks.',
  },
} as const satisfies Record<string, { type: 'counter' | 'histogram' | 'gauge'; help: string }>;

export type MetricName = keyof typeof METRICS;
type NamesOf<Type> = { [K in MetricName]: (typeof METRICS)[K]['type'] extends Type ? K : never }[MetricName];
export type CounterName = NamesOf<'counter'>;
export type HistogramName = NamesOf<'histogram'>;
export type GaugeName = NamesOf<'gauge'>;
export type GaugeSamples = Partial<Record<GaugeName, { labels: Record<string, string>; value: number }[]>>;

export function observe(set: MetricSet, name: HistogramName, labels: Record<string, string>, seconds: number): void {
  const series = (set[name] ??= {});
  const key = renderLabels(labels);
  let histogram = series[key] as HistogramData | undefined;
  if (histogram === undefined) {
    histogram = { kind: 'histogram', buckets: new Array(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
    series[key] = histogram;
  }
  const found = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
  const index = found === -1 ? DURATION_BUCKETS.length : found;
  histogram.buckets[index] = (histogram.buckets[index] ?? 0) + 1;
  histogram.sum += seconds;
  histogram.count += 1;
}

export function increment(set: MetricSet, name: CounterName, labels: Record<string, string>, by = 1): void {
  const series = (set[name] ??= {});
  const key = renderLabels(labels);
  const counter = (series[key] as CounterData | undefined) ?? { kind: 'counter', value: 0 };
  counter.value += by;
  series[key] = counter;
}

/** Adds `delta` into `total`, in place. */
export function merge(total: MetricSet, delta: MetricSet): void {
  for (const [name, series] of Object.entries(delta)) {
    const into = (total[name] ??= {});
    for (const [labels, data] of Object.entries(series)) {
      const existing = into[labels];
      if (existing === undefined) {
        into[labels] = structuredClone(data);
      } else if (existing.kind === 'counter' && data.kind === 'counter') {
        existing.value += data.value;
      } else if (existing.kind === 'histogram' && data.kind === 'histogram') {
        data.buckets.forEach((n, i) => {
          existing.buckets[i] = (existing.buckets[i] ?? 0) + n;
        });
        existing.sum += data.sum;
        existing.count += data.count;
      }
    }
  }
}

/** Prometheus text exposition format 0.0.4: every metric, with HELP and TYPE even before its first sample. */
export function render(set: MetricSet, gauges: GaugeSamples): string {
  const lines: string[] = [];
  for (const [name, { type, help }] of Object.entries(METRICS)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    if (type === 'gauge') {
      for (const sample of gauges[name as GaugeName] ?? []) {
        lines.push(`${name}${renderLabels(sample.labels)} ${sample.value}`);
      }
      continue;
    }
    for (const [labels, data] of Object.entries(set[name] ?? {})) {
      if (data.kind === 'counter') {
        lines.push(`${name}${labels} ${data.value}`);
        continue;
      }
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += data.buckets[i] ?? 0;
        lines.push(`${name}_bucket${withLabel(labels, 'le', String(bound))} ${cumulative}`);
      });
      lines.push(`${name}_bucket${withLabel(labels, 'le', '+Inf')} ${data.count}`);
      lines.push(`${name}_sum${labels} ${data.sum}`, `${name}_count${labels} ${data.count}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function withLabel(rendered: string, key: string, value: string): string {
  const extra = `${key}="${escapeLabel(value)}"`;
  return rendered === '' ? `{${extra}}` : `${rendered.slice(0, -1)},${extra}}`;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
