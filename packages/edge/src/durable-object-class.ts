/**
 * The type of a Durable Object class made by a factory (createAggregateObject
 * and its kin). Named, rather than inferred as an anonymous class, so that the
 * published declarations (.d.ts) can state what the factories return.
 */
import type { DurableObject } from 'cloudflare:workers';
import type { TidemarkEnv } from './env';

export type DurableObjectClass<Rpc> = new (
  ctx: DurableObjectState,
  env: TidemarkEnv,
) => DurableObject<TidemarkEnv> & Rpc;
