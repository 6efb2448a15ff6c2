/**
 * What each scenario prints and fails on: commands sent, acknowledged,
 * retried, events in the feed, duplicates and losses. The same figures are
 * written as JSON under test-results/faults/ for the reliability report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { WireEvent } from '../../http/client';
import { SEED, VARIANT } from './settings';

export interface Figures {
  readonly commandsSent: number;
  readonly acknowledged: number;
  readonly retried: number;
  readonly eventsInFeed: number;
  readonly duplicates: number;
  readonly lost: number;
  /** Anything else the scenario wants on record (kills, rejections, proxy faults, seconds). */
  readonly [extra: string]: number | string | boolean;
}

const OUT = new URL('../../../test-results/faults/', import.meta.url);

export function printFigures(scenario: string, figures: Figures): void {
  const { commandsSent, acknowledged, retried, eventsInFeed, duplicates, lost, ...extra } = figures;
  const rest = Object.entries(extra)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');
  console.log(
    `[faults] ${scenario} (${VARIANT}, seed ${SEED}): commands sent ${commandsSent}, acknowledged ${acknowledged}, ` +
      `retried ${retried}, events in feed ${eventsInFeed}, duplicates: ${duplicates}, lost: ${lost}` +
      (rest === '' ? '' : ` | ${rest}`),
  );
  try {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(
      new URL(`${scenario}.json`, OUT),
      `${JSON.stringify({ scenario, variant: VARIANT, seed: SEED, ...figures }, null, 2)}\n`,
    );
  } catch {
    // The figures are on the console already.
  }
}

export interface FeedAudit {
  readonly eventsInFeed: number;
  /** Events beyond the first of an id, of a stream version, or of a command's answer. */
  readonly duplicates: number;
  /** Acknowledged events missing from the feed. */
  readonly lost: number;
  /** Human-readable findings, at most a few dozen. */
  readonly problems: readonly string[];
}

const streamOf = (event: WireEvent): string => `${event.aggregate}/${event.aggregateId}`;

/**
 * Checks the feed against the events of every acknowledged answer: each once
 * (same id, same content), per stream in version order without gaps, and no
 * command's events stored twice.
 */
export function auditFeed(feed: readonly WireEvent[], acknowledged: readonly WireEvent[]): FeedAudit {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < 40) problems.push(problem);
  };
  let duplicates = 0;
  const byId = new Map<string, WireEvent>();
  const versions = new Map<string, number[]>();
  const perCommand = new Map<string, number>();
  for (const event of feed) {
    if (byId.has(event.id)) {
      duplicates += 1;
      note(`event ${event.id} (${streamOf(event)} v${event.version}) is in the feed twice`);
      continue;
    }
    byId.set(event.id, event);
    const stream = streamOf(event);
    const seen = versions.get(stream) ?? [];
    if (seen.includes(event.version)) {
      duplicates += 1;
      note(`${stream} v${event.version} is in the feed twice (another event id)`);
    }
    seen.push(event.version);
    versions.set(stream, seen);
    const key = `${stream}#${event.meta.commandId}`;
    perCommand.set(key, (perCommand.get(key) ?? 0) + 1);
  }
  for (const [stream, seen] of versions) {
    const gapless = seen.every((version, index) => version === index + 1);
    if (!gapless) note(`${stream}: versions in feed order are ${seen.join(',')}, not 1..${seen.length}`);
  }
  const expectedPerCommand = new Map<string, number>();
  for (const event of acknowledged) {
    const key = `${streamOf(event)}#${event.meta.commandId}`;
    expectedPerCommand.set(key, (expectedPerCommand.get(key) ?? 0) + 1);
  }
  for (const [key, count] of perCommand) {
    // A command of the orders domain makes one event; more means it was applied twice.
    const expected = expectedPerCommand.get(key) ?? 1;
    if (count > expected) {
      duplicates += count - expected;
      note(`command ${key} has ${count} events in the feed, expected ${expected}`);
    }
  }
  let lost = 0;
  for (const event of acknowledged) {
    const found = byId.get(event.id);
    if (found === undefined) {
      lost += 1;
      note(`acknowledged event ${event.id} (${streamOf(event)} v${event.version}, ${event.type}) is not in the feed`);
      continue;
    }
    const { position: _position, ...stored } = found as WireEvent & { position?: string };
    if (JSON.stringify(canonical(stored)) !== JSON.stringify(canonical(event))) {
      note(`event ${event.id} differs between its answer and the feed`);
    }
  }
  return { eventsInFeed: feed.length, duplicates, lost, problems };
}

/** Stable JSON for comparisons: keys sorted at every level. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, canonical(v)]),
  );
}
