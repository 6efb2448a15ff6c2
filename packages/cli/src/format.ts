/**
 * How results are shown: tables for people, one JSON document per line for
 * programs (`--json`). Pure functions of their input, so tests pin the text.
 */

import type { EventEnvelope } from '@tidemark/core';
import type { ProjectionStatus } from '@tidemark/core/protocol';
import Table from 'cli-table3';

/** Cell content cli-table3 accepts. */
export type Cell = string | number | null;

/**
 * A table without colours (ANSI codes would end up in logs and pipes).
 *
 * @example renderTable(['name', 'lag'], [['order-views', 0]])
 */
export function renderTable(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map((cell) => (cell === null ? '' : cell)));
  return `${table.toString()}\n`;
}

/** One JSON document and a newline: JSON Lines, which `jq` and `grep` read one record at a time. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * A feed position for a table column. Positions are opaque, so this only
 * trims them: the tail is where consecutive positions differ.
 *
 * @example shortPosition('eyJlIjoiazN4OSIsInAiOls0Ml19') === '…InAiOls0Ml19'
 */
export function shortPosition(position: string | null | undefined): string {
  if (position === null || position === undefined) return '-';
  return position.length <= SHORT_POSITION_CHARS + 1 ? position : `…${position.slice(-SHORT_POSITION_CHARS)}`;
}

/** The events of a feed page or a stream, one row each. */
export function eventsTable(events: readonly EventEnvelope[]): string {
  return renderTable(
    ['position', 'aggregate', 'id', 'version', 'type', 'at'],
    events.map((event) => [
      shortPosition(event.position),
      event.aggregate,
      event.aggregateId,
      event.version,
      event.type,
      event.meta.at,
    ]),
  );
}

/** Projection statuses, with the rebuild's progress when there is one. */
export function projectionsTable(statuses: readonly ProjectionStatus[]): string {
  return renderTable(
    ['projection', 'state', 'lag', 'dead letters', 'position', 'rebuild'],
    statuses.map((status) => [
      status.name,
      status.state,
      status.lag,
      status.deadLetters,
      shortPosition(status.position),
      status.rebuild === undefined ? '-' : `${status.rebuild.position}/${status.rebuild.head}`,
    ]),
  );
}

/** `{OrderCreated: 1, OrderPaid: 2}` as `OrderCreated ×1, OrderPaid ×2`, in first-seen order. */
export function countsLine(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([name, count]) => `${name} ×${count}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** A rate with two decimals, e.g. `12.50/s`. */
export function formatRate(perSecond: number): string {
  return `${perSecond.toFixed(2)}/s`;
}

/** Enough of a position's tail to tell neighbours apart. */
const SHORT_POSITION_CHARS = 12;
