/** One order: its details and what can be done with it now (pay, ship, cancel). */
import { useState } from 'preact/hooks';
import type { OrderRow } from '../../../src/views/order-views';
import type { OrdersClient } from '../tidemark';
import { addressText, money, when } from './format';
import { PendingBadge, usePending } from './pending';
import { href } from './router';
import { useLive } from './use-live';

export function OrderPage({ client, id, canCommand }: { client: OrdersClient; id: string; canCommand: boolean }) {
  const order = useLive(client, (c) => c.get('orders', id), [client, id]) as OrderRow | undefined | null;
  const pending = usePending(client);
  const [error, setError] = useState<string | undefined>(undefined);

  if (order === undefined || order === null) {
    return (
      <main class="card">
        <p>No order {id} here (yet).</p>
        <a href={href.orders}>Back to orders</a>
      </main>
    );
  }

  async function run(type: 'PayOrder' | 'ShipOrder' | 'CancelOrder') {
    if (order === undefined || order === null) return;
    setError(undefined);
    const payload =
      type === 'PayOrder'
        ? { amount: order.totalAmount }
        : type === 'CancelOrder'
          ? { reason: 'cancelled at the desk' }
          : {};
    try {
      await client.execute({ aggregate: 'Order', aggregateId: id, type, payload } as never);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const s = order.status;
  return (
    <main class="card" data-testid="order-page" data-status={s}>
      <div class="toolbar">
        <h1>Order {order.orderId}</h1>
        <span class={`badge badge-${s.toLowerCase()}`} data-testid="order-status">
          {s}
        </span>
        <PendingBadge commands={pending.get(id)} />
      </div>
      <dl class="details">
        <dt>Customer</dt>
        <dd>
          <a href={href.customer(order.customerId)}>{order.customerId}</a>
        </dd>
        <dt>Ship to</dt>
        <dd>{addressText(order.shippingAddress)}</dd>
        <dt>Created</dt>
        <dd>{when(order.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{when(order.updatedAt)}</dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Qty</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <td>
                {item.name} <span class="muted">{item.sku}</span>
              </td>
              <td>{item.quantity}</td>
              <td>{money(item.price, order.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td>
              <strong>{money(order.totalAmount, order.currency)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {canCommand && (
        <div class="actions">
          <button type="button" disabled={s !== 'PENDING'} onClick={() => run('PayOrder')}>
            Pay {money(order.totalAmount, order.currency)}
          </button>
          <button type="button" disabled={s !== 'PAID'} onClick={() => run('ShipOrder')}>
            Ship
          </button>
          <button
            type="button"
            class="danger"
            disabled={s !== 'PENDING' && s !== 'PAID'}
            onClick={() => run('CancelOrder')}
          >
            Cancel order
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <a href={href.orders}>Back to orders</a>
    </main>
  );
}
