/** Development sign-in: a name and a tenant, exchanged for a dev token. */
import { useState } from 'preact/hooks';
import { type Session, signIn } from '../session';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
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
    <main class="card narrow">
      <h1>Sign in</h1>
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
    </main>
  );
}
