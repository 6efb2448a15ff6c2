/**
 * The orders app: its aggregates and who may do what (CONTRACT.md, "Authorization
 * in the example app").
 */
import { type Access, defineApp, type EventEnvelope } from '@tidemark/core';
import { Order } from './domain/order';

/** Readers with this role may read but not command, and never see addresses. */
export const VIEWER_ROLE = 'viewer';

const isViewer = (access: Access) => access.roles.includes(VIEWER_ROLE);

export const ordersApp = defineApp({
  name: 'orders',
  aggregates: [Order],
  authorize: (access) => (isViewer(access) ? 'a viewer may read but not send commands' : true),
  readEvent: (access, event) => (isViewer(access) ? withoutAddress(event) : event),
});

function withoutAddress(event: EventEnvelope): EventEnvelope {
  const payload = event.payload;
  if (typeof payload !== 'object' || payload === null || !('shippingAddress' in payload)) return event;
  return { ...event, payload: { ...payload, shippingAddress: null } };
}
