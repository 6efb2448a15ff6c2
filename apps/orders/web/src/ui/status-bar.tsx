/** The connection indicator: online, offline or syncing; pending commands; lag when catching up. */
import type { ClientStatus } from '@tidemark/client';
import { useEffect, useState } from 'preact/hooks';
import type { OrdersClient } from '../tidemark';

export function StatusBar({ client }: { client: OrdersClient }) {
  const [status, setStatus] = useState<ClientStatus | undefined>(undefined);
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const subscription = client.onStatus(setStatus);
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      subscription.unsubscribe();
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, [client]);
  if (status === undefined) return <output class="status">starting…</output>;
  const offline = !online || !status.online;
  const state = offline ? 'offline' : status.syncing || status.lag === null ? 'syncing' : 'online';
  const label = { offline: 'Offline', syncing: 'Syncing', online: 'Online' }[state];
  return (
    <output class={`status status-${state}`} aria-live="polite" data-testid="status" data-state={state}>
      <span class="dot" aria-hidden="true" />
      {label}
      {status.pendingCommands > 0 && (
        <span class="pending-count" data-testid="pending-count">
          {' · '}
          {status.pendingCommands} pending
        </span>
      )}
      {status.lag === null && !offline && <span> · catching up</span>}
      {status.lastError && offline && <span class="muted"> · {status.lastError.slice(0, 80)}</span>}
    </output>
  );
}
