/** Hash routes, so any screen reloads from the service worker's one cached page. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly name: 'orders' }
  | { readonly name: 'new-order' }
  | { readonly name: 'order'; readonly id: string }
  | { readonly name: 'customer'; readonly id: string }
  | { readonly name: 'sales' };

export function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  if (first === 'orders' && second === 'new') return { name: 'new-order' };
  if (first === 'orders' && second) return { name: 'order', id: decodeURIComponent(second) };
  if (first === 'customers' && second) return { name: 'customer', id: decodeURIComponent(second) };
  if (first === 'sales') return { name: 'sales' };
  return { name: 'orders' };
}

export const href = {
  orders: '#/orders',
  newOrder: '#/orders/new',
  order: (id: string) => `#/orders/${encodeURIComponent(id)}`,
  customer: (id: string) => `#/customers/${encodeURIComponent(id)}`,
  sales: '#/sales',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
