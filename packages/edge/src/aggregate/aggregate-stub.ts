/**
 * How the Worker reaches an aggregate's object. The object's name is derived
 * from the verified tenant and validated names only; the separator cannot
 * occur in a valid name (core's NAME_PATTERN), so two different
 * (tenant, aggregate, id) triples never share an object.
 */
import { parseAggregateId, parseAggregateType, parseTenantId } from '@tidemark/core';
import { NAME_SEPARATOR } from '@tidemark/core/runtime';
import type { TidemarkEnv } from '../env';
import { type Client, objectStub } from '../stubs';
import type { AggregateRpc, StreamRef } from './aggregate-rpc';

/** The RPC surface as the caller sees it: every method answers a promise. */
export type AggregateClient = Client<AggregateRpc>;

/**
 * Parses the three names of a stream, or throws `invalid_request` naming the
 * bad one: the boundary where untrusted strings become a {@link StreamRef}.
 *
 * @example parseStreamRef(access.tenant, 'Order', 'o-1')
 */
export function parseStreamRef(tenant: unknown, aggregate: unknown, aggregateId: unknown): StreamRef {
  return {
    tenant: parseTenantId(tenant),
    aggregate: parseAggregateType(aggregate),
    aggregateId: parseAggregateId(aggregateId),
  };
}

/** @example aggregateObjectName({ tenant: 'acme', aggregate: 'Order', aggregateId: 'o-1' }) === 'acme/Order/o-1' */
export function aggregateObjectName(stream: StreamRef): string {
  return [stream.tenant, stream.aggregate, stream.aggregateId].join(NAME_SEPARATOR);
}

export function aggregateStub(env: TidemarkEnv, stream: StreamRef): AggregateClient {
  return objectStub<AggregateRpc>(env.AGGREGATES, aggregateObjectName(stream));
}
