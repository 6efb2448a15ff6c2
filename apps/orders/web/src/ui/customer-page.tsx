/** A customer's orders (the `customer-orders` view). */
import type { CustomerOrdersRow } from '../../../src/views/order-views';
import type { OrdersClient } from '../tidemark';
import { money } from './format';
import { href } from './router';
import { useLive } from './use-live';

export function CustomerPage({ client, id }: { client: OrdersClient; id: string }) {
  const row = useLive(client, (c) => c.get('customer-orders', id), [client, id]) as
    | CustomerOrdersRow
    | undefined
    | null;
  const orders = row?.orders ?? [];
  const open = orders.filter((o) => o.status === 'PENDING' || o.status === 'PAID');
  return (
    <main class="card">
      <h1>Customer {id}</h1>
      <p class="muted">
        {orders.length} orders · {open.length} open ·{' '}
        {money(orders.filter((o) => o.status !== 'CANCELLED').reduce((sum, o) => sum + o.totalAmount, 0))} ordered
      </p>
      <ul class="list">
        {orders.map((o) => (
          <li key={o.orderId}>
            <a href={href.order(o.orderId)}>
              <span class="id">{o.orderId}</span>
              <span>{money(o.totalAmount)}</span>
              <span class={`badge badge-${o.status.toLowerCase()}`}>{o.status}</span>
            </a>
          </li>
        ))}
      </ul>
      <a href={href.orders}>Back to orders</a>
    </main>
  );
}
