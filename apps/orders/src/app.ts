/**
 * The orders app: its aggregates and who may do what (docs/api.md § The
 * example app (orders)).
 */
import { type Access, defineApp, type EventEnvelope } from '@tidemark/core';
import { Order } from './domain/order';
import { orderUpcasters } from './domain/order-upcasters';
import { orderViews } from './views/order-views';

/** Readers with this role may read but not command, and never see addresses. */
export const VIEWER_ROLE = 'viewer';

const isViewer = (access: Access) => access.roles.includes(VIEWER_ROLE);

export const ordersApp = defineApp({
  name: 'orders',
  aggregates: [Order],
  projections: [orderViews],
  upcasters: orderUpcasters,
  authorize: (access) => (isViewer(access) ? 'a viewer may read but not send commands' : true),
  readEvent: (access, event) => (isViewer(access) ? withoutAddress(event) : event),
  readView: (access, _view, value) => (isViewer(access) ? hideAddress(value) : value),
});

function hideAddress(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('shippingAddress' in value)) return value;
  return { ...value, shippingAddress: null };
}

function withoutAddress(event: EventEnvelope): EventEnvelope {
  const payload = hideAddress(event.payload);
  return payload === event.payload ? event : { ...event, payload };
}
