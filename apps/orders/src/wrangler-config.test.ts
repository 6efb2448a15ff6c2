/**
 * The deployment configuration, read the way wrangler reads it: the
 * production environment can never enable the development switches, and it
 * binds every object the Worker needs.
 */
import { fileURLToPath } from 'node:url';
import { devAuthEnabled, faultsEnabled } from '@tidemark/edge/testing';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';

const config = (env?: string) =>
  unstable_readConfig({
    config: fileURLToPath(new URL('../../../wrangler.toml', import.meta.url)),
    ...(env && { env }),
  });

describe('wrangler.toml', () => {
  it('keeps DEV_AUTH, FAULTS and secrets out of the production environment', () => {
    const production = config('production');
    const vars = production.vars as Record<string, unknown>;
    expect(vars.DEV_AUTH).toBeUndefined();
    expect(vars.FAULTS).toBeUndefined();
    expect(vars.JWT_SECRET).toBeUndefined();
    expect(vars.ENVIRONMENT).toBe('production');
  });

  it('refuses the development switches in production even if they were set', () => {
    const vars = { ...(config('production').vars as Record<string, string>), DEV_AUTH: 'true', FAULTS: 'true' };
    expect(devAuthEnabled(vars)).toBe(false);
    expect(faultsEnabled(vars)).toBe(false);
    const dev = config().vars as Record<string, string>;
    expect(devAuthEnabled(dev)).toBe(true);
  });

  it('binds the same Durable Objects and assets in development and production', () => {
    const names = (env?: string) =>
      config(env)
        .durable_objects.bindings.map((b: { name: string; class_name: string }) => `${b.name}:${b.class_name}`)
        .sort();
    expect(names('production')).toEqual(names());
    expect(names()).toEqual([
      'AGGREGATES:AggregateObject',
      'FEEDS:FeedObject',
      'METRICS:MetricsObject',
      'PROJECTIONS:ProjectionObject',
    ]);
    expect(config('production').assets?.directory).toBe(config().assets?.directory);
  });
});
