/**
 * How stored Order events are lifted to their current shape. `OrderCreated`
 * v1 (before multi-currency) had no `currency`: every order then was in euros.
 */
import type { Upcaster } from '@tidemark/core';

/** The currency of every order created before OrderCreated v2. */
export const LEGACY_CURRENCY = 'EUR';

export const orderUpcasters: readonly Upcaster[] = [
  {
    type: 'OrderCreated',
    fromVersion: 1,
    upcast: (payload) => ({ currency: LEGACY_CURRENCY, ...(payload as object) }),
  },
];
