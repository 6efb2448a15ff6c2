/**
 * Development-only switches (the dev-token route, fault injection). Each is
 * on only when its variable is exactly "true" AND the Worker is not running in
 * the production environment, so a stray variable in production cannot turn
 * one on (wrangler.toml's [env.production] sets ENVIRONMENT = "production").
 */
import type { TidemarkEnv } from '../env';

export function devAuthEnabled(env: Partial<TidemarkEnv>): boolean {
  return env.DEV_AUTH === 'true' && env.ENVIRONMENT !== 'production';
}

export function faultsEnabled(env: Partial<TidemarkEnv>): boolean {
  return env.FAULTS === 'true' && env.ENVIRONMENT !== 'production';
}
