/**
 * Sign-in, as the deployment has it: the development form (a name and a
 * tenant, exchanged for a dev token) or the OpenID provider's own pages.
 */
import type { AuthConfig, OidcConfig } from '@tidemark/core/protocol';
import { useState } from 'preact/hooks';
import { beginSignIn } from '../auth/oidc';
import { type Session, signIn } from '../session';

export function SignIn({
  config,
  error,
  onSignedIn,
}: {
  config: AuthConfig | undefined;
  error: string | undefined;
  onSignedIn: (session: Session) => void;
}) {
  return (
    <main class="card narrow">
      <h1>Sign in</h1>
      {config === undefined && <p class="muted">{error ?? 'Asking the server how to sign in…'}</p>}
      {config?.mode === 'dev' && <DevSignIn onSignedIn={onSignedIn} />}
      {config?.mode === 'oidc' && <ProviderSignIn config={config} error={error} />}
      {config?.mode === 'none' && <p class="error">Sign-in is not configured on this server.</p>}
    </main>
  );
}

function ProviderSignIn({ config, error }: { config: OidcConfig; error: string | undefined }) {
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const shown = failure ?? error;
  return (
    <>
      <p class="muted">You sign in at {new URL(config.issuer).host}, then come back here.</p>
      {shown && (
        <p class="error" role="alert">
          {shown}
        </p>
      )}
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          beginSignIn(config).catch((e) => {
            setFailure(e instanceof Error ? e.message : String(e));
            setBusy(false);
          });
        }}
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </>
  );
}

function DevSignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const role = String(form.get('role'));
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(String(form.get('name')).trim(), String(form.get('tenant')).trim(), role ? [role] : []));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <p class="muted">Development sign-in: any name, any tenant. Each tenant sees only its own orders.</p>
      <form onSubmit={submit}>
        <label>
          Your name
          <input name="name" required maxLength={64} autoComplete="username" defaultValue="ann" />
        </label>
        <label>
          Tenant
          <input name="tenant" required pattern="[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}" defaultValue="acme" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="">
            <option value="">Member: may take orders</option>
            <option value="viewer">Viewer: reads, no addresses</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}
