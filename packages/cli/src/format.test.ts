import type { EventEnvelope } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { countsLine, eventsTable, formatRate, jsonLine, projectionsTable, renderTable, shortPosition } from './format';

const event: EventEnvelope = {
  id: 'e-1',
  aggregate: 'Order',
  aggregateId: 'o-1',
  version: 1,
  type: 'OrderCreated',
  schemaVersion: 2,
  payload: {},
  meta: { commandId: 'c-1', actor: 'ann', at: '2026-01-02T03:04:05.000Z' },
  position: 'eyJlIjoiazN4OSIsInAiOls0Ml19',
};

describe('renderTable', () => {
  it('draws a plain table: no colour codes, no lines between rows', () => {
    expect(
      renderTable(
        ['name', 'lag'],
        [
          ['a', 1],
          ['bb', null],
        ],
      ),
    ).toBe(
      [
        '┌──────┬─────┐',
        '│ name │ lag │',
        '├──────┼─────┤',
        '│ a    │ 1   │',
        '│ bb   │     │',
        '└──────┴─────┘',
        '',
      ].join('\n'),
    );
  });
});

describe('shortPosition', () => {
  it('keeps the tail of a long position, where neighbours differ', () => {
    expect(shortPosition('eyJlIjoiazN4OSIsInAiOls0Ml19')).toBe('…InAiOls0Ml19');
  });

  it('leaves a short position alone and shows a missing one as -', () => {
    expect(shortPosition('abc')).toBe('abc');
    expect(shortPosition('1234567890123')).toBe('1234567890123');
    expect(shortPosition(null)).toBe('-');
    expect(shortPosition(undefined)).toBe('-');
  });
});

describe('eventsTable and projectionsTable', () => {
  it('shows an event by position, stream, version, type and time', () => {
    const text = eventsTable([event]);
    expect(text).toContain('│ position      │ aggregate │ id  │ version │ type         │ at ');
    expect(text).toContain('│ …InAiOls0Ml19 │ Order     │ o-1 │ 1       │ OrderCreated │ 2026-01-02T03:04:05.000Z │');
  });

  it('shows a rebuild as position/head', () => {
    const text = projectionsTable([
      { name: 'v', state: 'rebuilding', position: null, lag: 7, deadLetters: 0, rebuild: { position: 3, head: 10 } },
    ]);
    expect(text).toContain('│ v          │ rebuilding │ 7   │ 0            │ -        │ 3/10    │');
  });
});

describe('small formats', () => {
  it('prints one JSON document per line', () => {
    expect(jsonLine({ a: 1 })).toBe('{"a":1}\n');
  });

  it('counts types in order of first appearance', () => {
    expect(countsLine({ OrderCreated: 1, OrderPaid: 2 })).toBe('OrderCreated ×1, OrderPaid ×2');
    expect(countsLine({})).toBe('none');
  });

  it('shows a rate with two decimals', () => {
    expect(formatRate(2.963)).toBe('2.96/s');
  });
});
