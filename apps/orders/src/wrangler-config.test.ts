/**
 * The deployment configuration, read the way wrangler reads it: the
 * production environment can never enable the development switches, and it
 * binds every object the Worker needs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { devAuthEnabled, faultsEnabled } from '@tidemark/edge/testing';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';

const config = (env?: string) =>
  unstable_readConfig({
    config: fileURLToPath(new URL('../../../wrangler.toml', import.meta.url)),
    ...(env && { env }),
  });

const DEV_ONLY = ['DEV_AUTH', 'FAULTS', 'JWT_SECRET', 'TOKEN_SECRET'] as const;

describe('wrangler.toml', () => {
  it.each([
    ['the default target (a plain `wrangler deploy`)', undefined],
    ['the production environment', 'production'],
  ])('carries no development switch and no secret in %s', (_label, env) => {
    const vars = config(env).vars as Record<string, unknown>;
    for (const name of DEV_ONLY) expect(vars[name], name).toBeUndefined();
    expect(vars.ENVIRONMENT).not.toBe('development');
    expect(devAuthEnabled(vars as Record<string, string>)).toBe(false);
    expect(faultsEnabled(vars as Record<string, string>)).toBe(false);
  });

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
  });

  it.each(['Production', 'prod', '', 'development ', 'DEVELOPMENT', undefined])(
    'opens the development switches only for ENVIRONMENT exactly "development" (not %j)',
    (environment) => {
      const vars = { DEV_AUTH: 'true', FAULTS: 'true', ...(environment !== undefined && { ENVIRONMENT: environment }) };
      expect(devAuthEnabled(vars)).toBe(false);
      expect(faultsEnabled(vars)).toBe(false);
    },
  );

  it('opens them from the committed .dev.vars.example (what `npm start` and CI copy to .dev.vars)', () => {
    const vars = parseDevVars(
      readFileSync(fileURLToPath(new URL('../../../.dev.vars.example', import.meta.url)), 'utf8'),
    );
    expect(vars.ENVIRONMENT).toBe('development');
    expect(devAuthEnabled(vars)).toBe(true);
    expect(faultsEnabled(vars)).toBe(true);
    expect(vars.JWT_SECRET).toBeTruthy();
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

/** `.dev.vars` is dotenv: KEY=value lines, `#` comments, optional quotes. */
function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"?([^"]*)"?\s*$/.exec(line);
    if (match) vars[match[1] as string] = match[2] as string;
  }
  return vars;
}
