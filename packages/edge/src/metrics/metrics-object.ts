/**
 * A tenant's metrics: the sum of what every Worker isolate has recorded. One
 * JSON document, merged under the object's single-threaded execution.
 */
import { DurableObject } from 'cloudflare:workers';
import type { TidemarkEnv } from '../env';
import { type MetricSet, merge } from './metric-set';

export interface MetricsRpc {
  add(delta: MetricSet): void;
  read(): MetricSet;
}

export class MetricsObject extends DurableObject<TidemarkEnv> implements MetricsRpc {
  constructor(ctx: DurableObjectState, env: TidemarkEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS metrics (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL)',
    );
  }

  add(delta: MetricSet): void {
    const total = this.read();
    merge(total, delta);
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO metrics (id, data) VALUES (1, ?)', JSON.stringify(total));
  }

  read(): MetricSet {
    const row = this.ctx.storage.sql.exec<{ data: string }>('SELECT data FROM metrics WHERE id = 1').toArray()[0];
    return row === undefined ? {} : (JSON.parse(row.data) as MetricSet);
  }
}
