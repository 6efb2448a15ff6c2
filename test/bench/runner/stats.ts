/**
 * The few statistics the benchmarks report: medians over runs, and latency
 * percentiles by nearest rank (no interpolation: a p99 of 200 samples is the
 * second-slowest one, a real observation).
 */

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Nearest-rank percentile.
 *
 * @example percentile([5, 1, 3], 50) === 3
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The median of one field over several runs' results. */
export function medianOf<T>(runs: readonly T[], field: (run: T) => number): number {
  return median(runs.map(field));
}

/**
 * Medians over runs, field by field, for the JSON report: `runs` is a list of
 * one result per run. Numbers become their median, lists of latencies their
 * median per-run p50 and p99, nested results are summarized alike, nulls skipped.
 *
 * @example summarizeRuns([{ perSecond: 1 }, { perSecond: 3 }]) // { perSecond: 2 }
 */
export function summarizeRuns(runs: readonly unknown[]): unknown {
  const present = runs.filter((run) => run !== null && run !== undefined);
  const first = present[0];
  if (first === undefined) return null;
  if (typeof first === 'number') return median(present as number[]);
  if (Array.isArray(first)) {
    const lists = present as number[][];
    return {
      p50: median(lists.map((list) => percentile(list, 50))),
      p99: median(lists.map((list) => percentile(list, 99))),
      samplesPerRun: first.length,
    };
  }
  if (typeof first !== 'object') return first;
  const keys = Object.keys(first);
  return Object.fromEntries(
    keys.map((key) => [key, summarizeRuns(present.map((run) => (run as Record<string, unknown>)[key]))]),
  );
}

/** Applies `summarizeRuns` to every list of runs in a tree of samples keyed by suite, scale and target. */
export function summarizeTree(tree: unknown): unknown {
  if (Array.isArray(tree)) return summarizeRuns(tree);
  if (typeof tree !== 'object' || tree === null) return tree;
  return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, summarizeTree(value)]));
}
