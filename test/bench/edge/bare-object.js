/**
 * The baseline of the edge benchmarks: a SQLite Durable Object that does the
 * least a durable append or a page read can do. No auth, no validation, no
 * decider, no outbox, no feed hand-off, no JSON parsing of stored rows.
 */
// @ts-check
import { DurableObject } from 'cloudflare:workers';
import { generateFeed } from '../common/order-feed';

export class BareObject extends DurableObject {
  /**
   * @param {DurableObjectState} ctx
   * @param {unknown} env
   */
  constructor(ctx, env) {
    super(ctx, /** @type {never} */ (env));
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS rows (position INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)',
    );
  }

  /**
   * One row per request, durable before the answer (the output gate), like an accepted command.
   * @param {string} body
   * @returns {number}
   */
  insert(body) {
    return Number(
      this.ctx.storage.sql.exec('INSERT INTO rows (body) VALUES (?) RETURNING position', body).one().position,
    );
  }

  /**
   * Stores the same event JSON the feed seed stores, one row per event.
   * @param {number} orders
   * @param {number} first
   * @returns {number}
   */
  seed(orders, first) {
    const events = generateFeed(orders, { first });
    this.ctx.storage.transactionSync(() => {
      for (const event of events)
        this.ctx.storage.sql.exec('INSERT INTO rows (body) VALUES (?)', JSON.stringify(event));
    });
    return events.length;
  }

  /**
   * A page as JSON text, the stored rows spliced in unparsed.
   * @param {number} after
   * @param {number} limit
   * @returns {string}
   */
  page(after, limit) {
    const rows = this.ctx.storage.sql
      .exec('SELECT position, body FROM rows WHERE position > ? ORDER BY position LIMIT ?', after, limit + 1)
      .toArray();
    const page = rows.slice(0, limit);
    const cursor = page.at(-1)?.position ?? after;
    return `{"events":[${page.map((row) => row.body).join(',')}],"cursor":"${cursor}","hasMore":${rows.length > limit}}`;
  }
}
