/**
 * The app's Tidemark client, one per page and signed-in user. The scope keeps
 * each tenant's and user's local data apart on a shared device.
 */
import { type Client, createClient } from '@tidemark/client';
import { ordersApp } from '../../src/app';
import { loadSession, type Session } from './session';

export type OrdersClient = Client<typeof ordersApp>;

export function startClient(session: Session): Promise<OrdersClient> {
  return createClient({
    app: ordersApp,
    url: location.origin,
    scope: `${session.tenant}/${session.sub}`,
    getToken: () => loadSession()?.token,
    worker: () => new Worker(new URL('./sync-worker.ts', import.meta.url), { type: 'module', name: 'tidemark-sync' }),
  });
}
