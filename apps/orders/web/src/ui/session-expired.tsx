/**
 * Shown once the provider's token has expired and this tab holds no refresh
 * token: renewing leaves the page for the provider, so the person chooses when.
 * Nothing queued is lost meanwhile: commands wait in the outbox (IndexedDB).
 */
import type { OidcConfig } from '@tidemark/core/protocol';
import { useState } from 'preact/hooks';
import { beginSignIn } from '../auth/oidc';

export function SessionExpired({ config }: { config: OidcConfig }) {
  const [failure, setFailure] = useState<string | undefined>(undefined);
  return (
    <p class="card" role="alert" data-testid="session-expired">
      Your sign-in has expired. Changes wait in this browser until you renew it.{' '}
      <button
        type="button"
        onClick={() => beginSignIn(config).catch((e) => setFailure(e instanceof Error ? e.message : String(e)))}
      >
        Renew sign-in
      </button>
      {failure && <span class="error"> {failure}</span>}
    </p>
  );
}
