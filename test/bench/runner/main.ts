/**
 * `pnpm bench`: every benchmark of the benchmark issue, in one process, with
 * its baseline in the same run. Runs are interleaved (Tidemark, baseline,
 * Tidemark, ...) so the shared machine's noise falls on both sides; each
 * figure is the median of the runs. Writes test/bench/results/latest.{json,md}
 * and prints the table.
 *
 * Options: --runs=3  --scales=1,4,16  --only=commands,feed,browser,peers  --size=1
 * (--size multiplies every workload: 0.1 for a quick try).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { type BrowserResult, startBrowserBench } from '../browser/browser-bench';
import { startBenchServer } from '../edge/bench-server';
import { type CommandResult, type CommandTarget, runCommands } from '../edge/command-bench';
import { type FeedReadResult, readBare, readFeed, seedFeeds } from '../edge/feed-bench';
import { type DeciderResult, runEmmett, runTidemarkCore } from '../peers/decider-bench';
import { renderMarkdown } from './report';
import { summarizeTree } from './stats';
import { machineInfo, snapshot } from './system';

/** 100 orders = 200 commands at 1×: ~2 s at the ~100 commands/s measured sequentially here. */
const COMMAND_ORDERS = 100;
/** Clients at once in the concurrent command runs (the bare figure is over 8 objects). */
const CONCURRENCY = 8;
/** 1,250 orders = 6,250 events at 1×, so 16× is the 100,000. */
const FEED_ORDERS = 1250;
const BROWSER_ORDERS = 1250;
/** The naive client writes once per event (~250 events/s): a fixed sample, at 1× only. */
const NAIVE_EVENTS = 1000;
/** 2,000 commands at 1× (repeated to the largest scale's total): in memory, milliseconds each. */
const PEER_ORDERS = 1000;

export interface Samples {
  sequential: Partial<Record<CommandTarget, CommandResult[]>>;
  concurrent: Record<number, Partial<Record<CommandTarget, CommandResult[]>>>;
  feed: Record<number, { tidemark: FeedReadResult[]; bare: FeedReadResult[] }>;
  browser: Record<number, BrowserResult[]>;
  peers: Record<number, { emmett: DeciderResult[]; tidemarkCore: DeciderResult[] }>;
}

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const machine = machineInfo();
const before = snapshot();
const samples: Samples = { sequential: {}, concurrent: {}, feed: {}, browser: {}, peers: {} };
const scaled = (base: number, scale: number) => Math.max(1, Math.round(base * scale * options.size));
const log = (line: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}`);
const push = <T>(list: T[] | undefined, value: T): T[] => [...(list ?? []), value];

if (options.only.has('commands') || options.only.has('feed')) {
  log('starting wrangler dev with test/bench/edge/wrangler.toml');
  const server = await startBenchServer();
  try {
    if (options.only.has('feed')) {
      for (const scale of options.scales) {
        await seedFeeds(server.url, `feed-${scale}x`, `feed-${scale}x`, scaled(FEED_ORDERS, scale));
      }
    }
    for (let run = 1; run <= options.runs; run += 1) {
      if (options.only.has('commands')) {
        const orders = scaled(COMMAND_ORDERS, 1);
        for (const target of ['tidemark', 'bare', 'bare-per-order'] as const) {
          const result = await runCommands(server.url, { target, orders, concurrency: 1, runId: `s${run}${target}` });
          samples.sequential[target] = push(samples.sequential[target], result);
        }
        for (const scale of options.scales) {
          const byTarget = (samples.concurrent[scale] ??= {});
          for (const target of ['tidemark', 'bare'] as const) {
            const workload = { target, orders: scaled(COMMAND_ORDERS, scale), concurrency: CONCURRENCY };
            byTarget[target] = push(
              byTarget[target],
              await runCommands(server.url, { ...workload, runId: `c${run}x${scale}${target}` }),
            );
          }
        }
        log(`commands run ${run} done`);
      }
      if (options.only.has('feed')) {
        for (const scale of options.scales) {
          const entry = (samples.feed[scale] ??= { tidemark: [], bare: [] });
          entry.tidemark.push(await readFeed(server.url, `feed-${scale}x`));
          entry.bare.push(await readBare(server.url, `feed-${scale}x`));
        }
        log(`feed run ${run} done`);
      }
    }
  } finally {
    await server.stop();
  }
}

if (options.only.has('browser')) {
  log('starting headless Chromium');
  const bench = await startBrowserBench();
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      for (const scale of options.scales) {
        const result = await bench.run({
          orders: scaled(BROWSER_ORDERS, scale),
          runId: `r${run}x${scale}`,
          naiveEvents: scale === 1 ? Math.round(NAIVE_EVENTS * Math.min(1, options.size)) : 0,
          rawFromMemory: scale === 1,
          queries: true,
        });
        samples.browser[scale] = push(samples.browser[scale], result);
      }
      log(`browser run ${run} done`);
    }
  } finally {
    await bench.close();
  }
}

if (options.only.has('peers')) {
  for (let run = 1; run <= options.runs; run += 1) {
    for (const scale of options.scales) {
      const entry = (samples.peers[scale] ??= { emmett: [], tidemarkCore: [] });
      // The same total work at every scale: the 1× store is filled 16 times, the 16× store once.
      const repeats = Math.max(1, Math.round(Math.max(...options.scales) / scale));
      entry.tidemarkCore.push(await runTidemarkCore(scaled(PEER_ORDERS, scale), repeats));
      entry.emmett.push(await runEmmett(scaled(PEER_ORDERS, scale), repeats));
    }
  }
  log('peers done');
}

const report = {
  machine,
  load: { before, after: snapshot() },
  options: { runs: options.runs, scales: options.scales, only: [...options.only], size: options.size },
  durationSeconds: Math.round((performance.now() - started) / 100) / 10,
  /** Medians over the runs of every field of `samples`. */
  medians: summarizeTree(samples),
  samples,
};
const markdown = renderMarkdown(report);
const dir = new URL('../results/', import.meta.url).pathname;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${dir}latest.md`, markdown);
console.log(markdown);

export type Report = typeof report;

function parseOptions(args: readonly string[]) {
  const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const scales = (value('scales') ?? '1,4,16').split(',').map(Number);
  const only = new Set((value('only') ?? 'commands,feed,browser,peers').split(','));
  const runs = Number(value('runs') ?? 3);
  const size = Number(value('size') ?? 1);
  if (!scales.every((s) => s > 0) || !(runs >= 1) || !(size > 0)) throw new Error(`bad options: ${args.join(' ')}`);
  return { scales, only, runs, size };
}
