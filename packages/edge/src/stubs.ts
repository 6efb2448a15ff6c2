/**
 * The one way the edge reaches a Durable Object: by namespace and name, typed
 * by the object's RPC interface with every method answering a promise.
 */

/** An object's RPC surface as a caller sees it. */
export type Client<Rpc> = {
  [K in keyof Rpc]: Rpc[K] extends (...args: infer Args) => infer Result
    ? (...args: Args) => Promise<Awaited<Result>>
    : never;
};

/** @example objectStub<FeedRpc>(env.FEEDS, tenant).head() */
export function objectStub<Rpc>(namespace: DurableObjectNamespace, name: string): Client<Rpc> {
  // Workers' RPC typing maps `unknown` payloads to `never`; the data is plain JSON, so the cast is safe.
  return namespace.get(namespace.idFromName(name)) as unknown as Client<Rpc>;
}
