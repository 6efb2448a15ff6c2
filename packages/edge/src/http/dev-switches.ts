/**
 * Development-only switches (the dev-token route, fault injection). Each is
 * on only when its variable is exactly "true" AND `ENVIRONMENT` is exactly
 * "development". Safe by default: a deploy that sets nothing, or that spells
 * the environment any other way ("Production", "dev", "DEVELOPMENT"), keeps
 * both closed. Development values live in the git-ignored `.dev.vars`, copied
 * from `.dev.vars.example` by `npm start` and `npm test`, which `wrangler
 * deploy` never uploads.
 */
import type { TidemarkEnv } from '../env';

export function devAuthEnabled(env: Partial<TidemarkEnv>): boolean {
  return isDevelopment(env) && env.DEV_AUTH === 'true';
}

export function faultsEnabled(env: Partial<TidemarkEnv>): boolean {
  return isDevelopment(env) && env.FAULTS === 'true';
}

function isDevelopment(env: Partial<TidemarkEnv>): boolean {
  return env.ENVIRONMENT === 'development';
}
