/**
 * The page's sign-in state: the session, the deployment's sign-in
 * configuration, the provider's answer after a redirect, and renewal before
 * the provider's token expires (renewal.ts decides; this hook waits and calls).
 */
import type { AuthConfig } from '@tidemark/core/protocol';
import { useEffect, useState } from 'preact/hooks';
import { signOut as forgetSession, loadSession, type Session } from '../session';
import { fetchAuthConfig } from './auth-config';
import { completeSignIn, forgetProviderTokens, hasRefreshToken, isSignInCallback, refresh } from './oidc';
import { planRenewal } from './renewal';

/** After a refresh that failed for want of network, try again this much later (or when back online). */
const REFRESH_RETRY_MS = 5000;

export interface Auth {
  readonly session: Session | undefined;
  /** Undefined until the Worker has answered (it cannot while offline). */
  readonly config: AuthConfig | undefined;
  /** True while the provider's answer to a sign-in is being checked. */
  readonly completing: boolean;
  /** True once the token has expired and only a redirect to the provider renews it. */
  readonly expired: boolean;
  readonly error: string | undefined;
  signedIn(session: Session): void;
  signOut(): void;
}

export function useAuth(): Auth {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [config, setConfig] = useState<AuthConfig | undefined>(undefined);
  const [completing, setCompleting] = useState(isSignInCallback);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let loaded = false;
    const load = () => {
      if (loaded) return;
      fetchAuthConfig().then(
        (answer) => {
          loaded = true;
          setConfig(answer);
          setError(undefined);
        },
        (e) => setError(message(e)),
      );
    };
    load();
    addEventListener('online', load);
    return () => removeEventListener('online', load);
  }, []);

  useEffect(() => {
    if (!completing || config === undefined) return;
    const done =
      config.mode === 'oidc' ? completeSignIn(config) : Promise.reject(new Error('OpenID is not configured'));
    done.then(setSession, (e) => setError(`sign-in failed: ${message(e)}`)).finally(() => setCompleting(false));
  }, [completing, config]);

  useEffect(() => {
    if (session === undefined || config?.mode !== 'oidc') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // One exchange at a time: a rotated refresh token used twice may make the provider revoke the grant.
    let refreshing = false;
    const step = () => {
      clearTimeout(timer);
      if (stopped || refreshing) return;
      const plan = planRenewal(session, Date.now(), hasRefreshToken());
      setExpired(plan.kind === 'redirect');
      if (plan.kind === 'wait') timer = setTimeout(step, plan.ms);
      if (plan.kind !== 'refresh' || !navigator.onLine) return;
      refreshing = true;
      refresh(config).then(
        (next) => {
          refreshing = false;
          if (!stopped) setSession(next);
        },
        () => {
          refreshing = false;
          // Still holding the refresh token means the network failed: later. Else the plan is now a redirect.
          timer = setTimeout(step, hasRefreshToken() ? REFRESH_RETRY_MS : 0);
        },
      );
    };
    step();
    addEventListener('online', step);
    document.addEventListener('visibilitychange', step);
    return () => {
      stopped = true;
      clearTimeout(timer);
      removeEventListener('online', step);
      document.removeEventListener('visibilitychange', step);
    };
  }, [session, config]);

  return {
    session,
    config,
    completing,
    expired,
    error,
    signedIn: setSession,
    signOut() {
      forgetSession();
      forgetProviderTokens();
      setExpired(false);
      setSession(undefined);
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
