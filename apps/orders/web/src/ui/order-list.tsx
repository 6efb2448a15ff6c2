/** Every order of the tenant, newest first, live. */
import type { OrderRow } from '../../../src/views/order-views';
import type { OrdersClient } from '../tidemark';
import { money, when } from './format';
import { PendingBadge, usePending } from './pending';
import { href } from './router';
import { useLive } from './use-live';

export function OrderList({ client }: { client: OrdersClient }) {
  const rows = useLive(client, (c) => c.list('orders'), [client]);
  const pending = usePending(client);
  if (rows === undefined) return <p class="muted">Loading…</p>;
  const orders = rows.map((r) => r.value as OrderRow).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return (
    <main>
      <div class="toolbar">
        <h1>Orders</h1>
        <a class="button" href={href.newOrder}>
          New order
        </a>
      </div>
      {orders.length === 0 ? (
        <p class="empty">No orders yet. Create one — it works offline too.</p>
      ) : (
        <ul class="list" data-testid="order-list">
          {orders.map((order) => (
            <li key={order.orderId} data-testid="order-row" data-order={order.orderId} data-status={order.status}>
              <a href={href.order(order.orderId)}>
                <span class="id">{order.orderId}</span>
                <span class="muted">{order.customerId}</span>
                <span>{money(order.totalAmount, order.currency)}</span>
                <span class={`badge badge-${order.status.toLowerCase()}`}>{order.status}</span>
                <PendingBadge commands={pending.get(order.orderId)} />
                <span class="muted small">{when(order.createdAt)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
