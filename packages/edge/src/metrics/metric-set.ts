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

export const METRIC_HELP: Readonly<Record<string, string>> = {
  command_duration_seconds: 'Time to answer a command at the edge, from request to response.',
  event_append_duration_seconds: 'Time for the aggregate object to decide, append and hand off an accepted command.',
  commands_rejected_total: 'Commands answered with a rejection (409 or 422), by code.',
  query_duration_seconds: 'Time to answer a feed or view read at the edge.',
  projection_lag_events: 'Events between the feed head and a projection.',
};

export function observe(set: MetricSet, name: string, labels: Record<string, string>, seconds: number): void {
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

export function increment(set: MetricSet, name: string, labels: Record<string, string>, by = 1): void {
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

/** Prometheus text exposition format 0.0.4. `gauges` are rendered as they are. */
export function render(
  set: MetricSet,
  gauges: Record<string, { labels: Record<string, string>; value: number }[]>,
): string {
  const lines: string[] = [];
  for (const name of Object.keys(METRIC_HELP)) {
    const help = METRIC_HELP[name] ?? '';
    const gauge = gauges[name];
    if (gauge !== undefined) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const sample of gauge) lines.push(`${name}${renderLabels(sample.labels)} ${sample.value}`);
      continue;
    }
    const series = set[name] ?? {};
    const kind = name.endsWith('_total') ? 'counter' : 'histogram';
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
    for (const [labels, data] of Object.entries(series)) {
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
