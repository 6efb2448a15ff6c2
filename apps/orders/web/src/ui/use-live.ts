/** A Preact hook over `client.live`: the query's latest value, re-run whenever its data changes in any tab. */
import { useEffect, useState } from 'preact/hooks';
import type { OrdersClient } from '../tidemark';

export function useLive<T>(
  client: OrdersClient,
  query: (client: OrdersClient) => Promise<T>,
  deps: unknown[],
): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = client.live(query, setValue, (error) => console.warn('live query failed', error));
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
