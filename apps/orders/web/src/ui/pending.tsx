/** Which orders have changes not yet confirmed by the authority. */
import type { PendingCommand } from '@tidemark/client';
import type { OrdersClient } from '../tidemark';
import { useLive } from './use-live';

export function usePending(client: OrdersClient): Map<string, PendingCommand[]> {
  const pending = useLive(client, (c) => c.pending(), [client]) ?? [];
  const byOrder = new Map<string, PendingCommand[]>();
  for (const command of pending)
    byOrder.set(command.aggregateId, [...(byOrder.get(command.aggregateId) ?? []), command]);
  return byOrder;
}

export function PendingBadge({ commands }: { commands: readonly PendingCommand[] | undefined }) {
  if (commands === undefined || commands.length === 0) return null;
  const accepted = commands.every((c) => c.status === 'accepted');
  return (
    <span class="badge badge-unconfirmed" data-testid="pending" title={commands.map((c) => c.type).join(', ')}>
      {accepted ? 'confirming…' : 'not yet confirmed'}
    </span>
  );
}
