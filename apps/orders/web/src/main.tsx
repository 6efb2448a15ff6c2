/**
 * The orders PWA: sign in (the development form or an OpenID provider, as
 * the Worker says), then the order desk. All data comes from the local
 * read models, so every screen works offline; the status bar tells whether
 * changes have reached the authority.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAuth } from './auth/use-auth';
import { type OrdersClient, startClient } from './tidemark';
import { CustomerPage } from './ui/customer-page';
import { OrderForm } from './ui/order-form';
import { OrderList } from './ui/order-list';
import { OrderPage } from './ui/order-page';
import { Rejections } from './ui/rejections';
import { href, useRoute } from './ui/router';
import { SalesPage } from './ui/sales-page';
import { SessionExpired } from './ui/session-expired';
import { SignIn } from './ui/sign-in';
import { StatusBar } from './ui/status-bar';
import './styles.css';

declare global {
  interface Window {
    /** The page's Tidemark client, for the end-to-end tests and the curious. */
    tidemark?: OrdersClient;
  }
}

function App() {
  const auth = useAuth();
  const { session } = auth;
  const [client, setClient] = useState<OrdersClient | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const route = useRoute();
  // The local data belongs to a tenant and a user: a renewed token for the same ones keeps the client.
  const scope = session && `${session.tenant}/${session.sub}`;

  useEffect(() => {
    if (session === undefined) return;
    let current: OrdersClient | undefined;
    startClient(session).then(
      (started) => {
        current = started;
        window.tidemark = started;
        setClient(started);
      },
      (e) => setError(String(e)),
    );
    return () => current?.close();
  }, [scope]);

  // A renewed token: send what waited (the sync engine backs off after a refused token).
  useEffect(() => {
    void client?.syncNow();
  }, [client, session?.token]);

  if (auth.completing) return <p class="muted center">Signing you in…</p>;
  if (session === undefined) return <SignIn config={auth.config} error={auth.error} onSignedIn={auth.signedIn} />;
  if (client === undefined) return <p class="muted center">{error ?? 'Opening your orders…'}</p>;
  const canCommand = !session.roles.includes('viewer');

  return (
    <>
      <header>
        <a class="brand" href={href.orders}>
          Tidemark Orders
        </a>
        <nav aria-label="Main">
          <a href={href.orders} aria-current={route.name === 'orders' ? 'page' : undefined}>
            Orders
          </a>
          <a href={href.sales} aria-current={route.name === 'sales' ? 'page' : undefined}>
            Sales
          </a>
        </nav>
        <StatusBar client={client} />
        <span class="user">
          {session.sub} @ {session.tenant}
          <button
            type="button"
            class="link"
            onClick={() => {
              auth.signOut();
              client.close();
              setClient(undefined);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      {auth.expired && auth.config?.mode === 'oidc' && <SessionExpired config={auth.config} />}
      <Rejections client={client} />
      {route.name === 'orders' && <OrderList client={client} />}
      {route.name === 'new-order' &&
        (canCommand ? <OrderForm client={client} /> : <p class="card">Viewers cannot create orders.</p>)}
      {route.name === 'order' && <OrderPage client={client} id={route.id} canCommand={canCommand} />}
      {route.name === 'customer' && <CustomerPage client={client} id={route.id} />}
      {route.name === 'sales' && <SalesPage client={client} />}
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch((e) => console.warn('service worker not registered', e));
}
