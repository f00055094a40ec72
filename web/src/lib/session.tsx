import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { LoginBody, Me, SessionInfo, SignupBody } from '@tremolo/protocol';
import { type ApiError, setCsrfToken } from './api.ts';
import { call } from './client.ts';
import { keyOf } from './queries.ts';
import { disablePush, reportFocus } from './push.ts';
import type { RealtimeClient } from './realtime.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'error'; error: unknown }
  | { status: 'user'; me: Me };

export interface Session {
  state: SessionState;
  /** The logged-in person, or null. */
  me: Me | null;
  /** The live connection while someone is logged in. */
  realtime: RealtimeClient | null;
  login(body: LoginBody): Promise<void>;
  signup(body: SignupBody): Promise<void>;
  /** Ends the session on the server, then reloads the app at home. */
  logout(): Promise<void>;
  /** Replaces my profile after an edit, so every screen shows the new one. */
  updateMe(me: Me): void;
  retry(): void;
}

const SessionContext = createContext<Session | null>(null);

function adoptToken(info: SessionInfo): SessionInfo {
  setCsrfToken(info.csrfToken);
  return info;
}

const SESSION_KEY = keyOf(api.accounts.session);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [realtime, setRealtime] = useState<RealtimeClient | null>(null);
  const session = useQuery<SessionInfo, ApiError>({
    queryKey: SESSION_KEY,
    // The token must be in place before any screen can send a state change, so it is set here, not in an effect.
    queryFn: () => call(api.accounts.session).then(adoptToken),
    staleTime: Infinity,
    // The person decides when to try again (the retry button), as before the cache.
    retry: false,
  });

  const state = useMemo<SessionState>(() => {
    if (session.data) return { status: 'user', me: session.data.user };
    if (session.error)
      return session.error.code === 'unauthenticated' ? { status: 'anonymous' } : { status: 'error', error: session.error };
    return { status: 'loading' };
  }, [session.data, session.error]);

  const adopt = useCallback(
    (info: SessionInfo) => {
      adoptToken(info);
      // Whatever was cached was seen as somebody else (or nobody): cards, feeds, inbox.
      void queryClient.resetQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      queryClient.setQueryData<SessionInfo>(SESSION_KEY, info);
    },
    [queryClient],
  );

  // One socket per logged-in person; a different account gets a fresh one.
  const userId = state.status === 'user' ? state.me.id : null;
  useEffect(() => {
    if (!userId) return;
    // Its own chunk: a visitor never opens a socket, so its code need not be in everyone's first download.
    let stop: (() => void) | null = null;
    let cancelled = false;
    void import('./realtime.ts')
      .then(({ RealtimeClient: Client }) => {
        if (cancelled) return;
        const client = new Client();
        client.start();
        const stopFocus = reportFocus(client);
        setRealtime(client);
        stop = () => {
          stopFocus();
          client.stop();
        };
      })
      .catch(() => {
        // The chunk did not arrive (offline before the service worker cached it): no socket, as when
        // the server cannot be reached; the next sign-in or page load tries again.
      });
    return () => {
      cancelled = true;
      stop?.();
      setRealtime(null);
    };
  }, [userId]);

  const value = useMemo<Session>(
    () => ({
      state,
      me: state.status === 'user' ? state.me : null,
      realtime,
      login: async (body) => adopt(await call(api.accounts.login, { body })),
      signup: async (body) => adopt(await call(api.accounts.signup, { body })),
      logout: async () => {
        // This browser stops getting this person's notifications (the next person here must not see them).
        await disablePush().catch(() => undefined);
        await call(api.accounts.logout);
        setCsrfToken('');
        // A fresh page drops every in-memory trace of the account (inbox, socket, caches) at once,
        // and screens that need a login never get to bounce to the login form on the way out.
        location.replace('/');
      },
      updateMe: (me) => queryClient.setQueryData<SessionInfo>(SESSION_KEY, (prev) => (prev ? { ...prev, user: me } : prev)),
      retry: () => void queryClient.resetQueries({ queryKey: SESSION_KEY }),
    }),
    [state, realtime, adopt, queryClient],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
