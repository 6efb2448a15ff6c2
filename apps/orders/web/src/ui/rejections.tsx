/** Commands the authority refused (or that no longer passed after a sync), with the reason, until dismissed. */
import type { RejectionRecord } from '@tidemark/client';
import type { OrdersClient } from '../tidemark';
import { useLive } from './use-live';

const REASONS: Record<string, string> = {
  invalid_state: 'the order had changed meanwhile',
  wrong_amount: 'the amount did not match the order total',
  order_not_found: 'the order does not exist',
  order_exists: 'an order with this id already exists',
  minimum_order_amount: 'the order total is under the minimum',
  version_conflict: 'someone else changed it first',
  forbidden: 'you may not do this',
};

export function Rejections({ client }: { client: OrdersClient }) {
  const rejections = useLive<RejectionRecord[]>(client, (c) => c.rejections(), [client]) ?? [];
  if (rejections.length === 0) return null;
  return (
    <section class="rejections" aria-label="Refused changes">
      {rejections.map((r) => (
        <div class="rejection" role="alert" key={r.id} data-testid="rejection" data-code={r.code}>
          <div>
            <strong>
              {r.command.type} on {r.command.aggregateId} was refused
            </strong>
            : {REASONS[r.code] ?? r.code} <span class="muted">({r.message})</span>
          </div>
          <button type="button" class="link" onClick={() => client.dismissRejection(r.id as number)}>
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
