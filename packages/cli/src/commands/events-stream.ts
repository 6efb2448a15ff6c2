/**
 * `tidemark events stream [--from <cursor>] [--follow]`: the tenant's feed,
 * page by page, as tables or JSON Lines; with `--follow`, new events as they
 * commit, until Ctrl-C.
 */

import type { FeedPage } from '@tidemark/core/protocol';
import type { Context } from '../context';
import { feedPages } from '../feed-reader';
import { eventsTable, jsonLine } from '../format';
import { sleep } from '../sleep';

export interface StreamOptions {
  /** A cursor (an event's `position`, or a page's `cursor`): start after it. */
  readonly from?: string;
  readonly follow?: boolean;
}

/**
 * How often `--follow` asks for new events. Polling rather than the live
 * WebSocket: Node 20 has no WebSocket client and this package adds none; a
 * second's delay is fine for an operator watching a terminal.
 */
export const FOLLOW_POLL_MS = 1000;

export async function eventsStream(context: Context, options: StreamOptions): Promise<void> {
  let cursor = options.from;
  let total = 0;
  const print = (page: FeedPage) => {
    if (page.events.length === 0) return;
    total += page.events.length;
    context.out(context.json ? page.events.map(jsonLine).join('') : eventsTable(page.events));
  };

  for await (const page of feedPages(context.client, cursor)) {
    print(page);
    cursor = page.cursor;
  }
  if (options.follow !== true) {
    if (!context.json) context.out(`${total === 0 ? 'no events' : `${total} events`} · next: --from ${cursor}\n`);
    return;
  }

  context.note(`${total} events so far; following (Ctrl-C to stop)\n`);
  const { signal } = context.runtime;
  while (await sleep(FOLLOW_POLL_MS, signal)) {
    for await (const page of feedPages(context.client, cursor)) {
      print(page);
      cursor = page.cursor;
    }
  }
}
