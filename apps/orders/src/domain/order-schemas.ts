/**
 * The Order domain's payload shapes (docs/api.md § The example app (orders)).
 * Schema rules answer 400 `invalid_payload`; business rules live in the decider.
 */
import { NAME_PATTERN } from '@tidemark/core';
import { z } from 'zod';

const text = (max: number) => z.string().min(1).max(max);
/** A price: bounded, so totals stay exact enough in a double. */
const money = z.number().finite().min(0).max(1e12);
/** A payment: any finite amount; only its equality with the total matters (docs/api.md § The example app (orders)). */
const amount = z.number().finite().min(0);
/** Customer ids key the customer-orders view, and view keys are names (docs/api.md § Names). */
const customerId = z.string().regex(NAME_PATTERN, 'a customer id is 1 to 128 letters, digits or . _ : -');

export const OrderItem = z.object({
  sku: text(64),
  name: text(200),
  price: money,
  quantity: z.number().int().positive().max(1_000_000),
});
export type OrderItem = z.output<typeof OrderItem>;

/**
 * A structured address: at most this many fields. Every order event and the
 * orders view carry the address, so an unbounded one let any member fill the
 * feed with events near the body limit.
 */
export const MAX_ADDRESS_FIELDS = 16;

/** A free-form address line, or a structured address of a few short fields. */
export const ShippingAddress = z.union([
  text(1000),
  z
    .record(z.string().min(1).max(64), z.string().max(200))
    .refine((fields) => Object.keys(fields).length <= MAX_ADDRESS_FIELDS, {
      message: `an address has at most ${MAX_ADDRESS_FIELDS} fields`,
    }),
]);
export type ShippingAddress = z.output<typeof ShippingAddress>;

/**
 * An address as events already stored may hold it: written before the bounds
 * above, and still to be read.
 */
const StoredShippingAddress = z.union([z.string(), z.record(z.string(), z.string())]);

export const OrderStatus = z.enum(['PENDING', 'PAID', 'SHIPPED', 'CANCELLED']);
export type OrderStatus = z.output<typeof OrderStatus>;

/** ISO 4217 code; orders before OrderCreated v2 had none (see order-upcasters.ts). */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code');

export const CreateOrder = z.object({
  customerId,
  currency: Currency.default('EUR'),
  items: z.array(OrderItem).min(1, 'an order needs at least one item').max(500),
  shippingAddress: ShippingAddress,
});
export const PayOrder = z.object({ amount });
export const ShipOrder = z.object({});
export const CancelOrder = z.object({ reason: z.string().max(1000) });

export const OrderCreated = z.object({
  customerId: z.string(),
  items: z.array(OrderItem),
  totalAmount: z.number(),
  currency: Currency,
  status: z.literal('PENDING'),
  shippingAddress: StoredShippingAddress.nullable(),
});
export const OrderPaid = z.object({ amount: z.number() });
export const OrderShipped = z.object({});
export const OrderCancelled = z.object({ reason: z.string() });
