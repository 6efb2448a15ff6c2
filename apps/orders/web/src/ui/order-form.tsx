/**
 * Creating an order. The domain's own schema and minimum-amount rule check
 * the form before sending, so the messages are the ones the authority would give.
 */
import { useState } from 'preact/hooks';
import { MINIMUM_ORDER_AMOUNT, orderTotal } from '../../../src/domain/order';
import { CreateOrder } from '../../../src/domain/order-schemas';
import type { OrdersClient } from '../tidemark';
import { money, newOrderId } from './format';
import { href } from './router';

interface ItemDraft {
  sku: string;
  name: string;
  price: string;
  quantity: string;
}

const emptyItem = (): ItemDraft => ({ sku: '', name: '', price: '', quantity: '1' });

export function OrderForm({ client }: { client: OrdersClient }) {
  const [customerId, setCustomerId] = useState('');
  const [address, setAddress] = useState('');
  const [items, setItems] = useState<ItemDraft[]>([emptyItem()]);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const parsedItems = items.map((i) => ({
    sku: i.sku.trim(),
    name: i.name.trim(),
    price: Number(i.price),
    quantity: Number(i.quantity),
  }));
  const total = orderTotal(parsedItems.filter((i) => Number.isFinite(i.price) && Number.isFinite(i.quantity)));

  function update(index: number, patch: Partial<ItemDraft>) {
    setItems(items.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  }

  async function submit(event: Event) {
    event.preventDefault();
    const payload = { customerId: customerId.trim(), shippingAddress: address.trim(), items: parsedItems };
    const checked = CreateOrder.safeParse(payload);
    const problems = checked.success
      ? []
      : checked.error.issues.map((issue) => `${issue.path.join(' ') || 'order'}: ${issue.message}`);
    if (checked.success && total < MINIMUM_ORDER_AMOUNT) {
      problems.push(`The total must be at least ${money(MINIMUM_ORDER_AMOUNT)}.`);
    }
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      const orderId = newOrderId();
      await client.execute({ aggregate: 'Order', aggregateId: orderId, type: 'CreateOrder', payload });
      location.hash = href.order(orderId);
    } catch (error) {
      setErrors([error instanceof Error ? error.message : String(error)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="card">
      <h1>New order</h1>
      <form onSubmit={submit} noValidate>
        <label>
          Customer
          <input
            value={customerId}
            onInput={(e) => setCustomerId(e.currentTarget.value)}
            required
            maxLength={128}
            name="customerId"
          />
        </label>
        <label>
          Shipping address
          <textarea
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
            required
            rows={2}
            name="shippingAddress"
          />
        </label>
        <fieldset>
          <legend>Items</legend>
          {items.map((item, index) => (
            <div class="item-row" key={index} data-testid="item-row">
              <label>
                SKU
                <input
                  value={item.sku}
                  onInput={(e) => update(index, { sku: e.currentTarget.value })}
                  name={`sku-${index}`}
                />
              </label>
              <label>
                Name
                <input
                  value={item.name}
                  onInput={(e) => update(index, { name: e.currentTarget.value })}
                  name={`name-${index}`}
                />
              </label>
              <label>
                Price
                <input
                  value={item.price}
                  inputMode="decimal"
                  onInput={(e) => update(index, { price: e.currentTarget.value })}
                  name={`price-${index}`}
                />
              </label>
              <label>
                Qty
                <input
                  value={item.quantity}
                  inputMode="numeric"
                  onInput={(e) => update(index, { quantity: e.currentTarget.value })}
                  name={`quantity-${index}`}
                />
              </label>
              {items.length > 1 && (
                <button type="button" class="link" onClick={() => setItems(items.filter((_, i) => i !== index))}>
                  Remove
                </button>
              )}
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setItems([...items, emptyItem()])}>
            Add item
          </button>
        </fieldset>
        <p>
          Total: <strong data-testid="form-total">{money(total)}</strong>
        </p>
        {errors.length > 0 && (
          <ul class="error" role="alert" data-testid="form-errors">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            Create order
          </button>
          <a href={href.orders}>Cancel</a>
        </div>
      </form>
    </main>
  );
}
