import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Ok, SessionInfo, type LoginBody, type Me, type SignupBody } from '@tremolo/protocol';
import { ApiError, api, setCsrfToken } from './api.ts';
import { RealtimeClient } from './realtime.ts';

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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [realtime, setRealtime] = useState<RealtimeClient | null>(null);
  const [attempt, setAttempt] = useState(0);

  const adopt = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setState({ status: 'user', me: info.user });
  }, []);

  useEffect(() => {
    let cancelled = false;
    api
      .get('/api/v1/auth/session', SessionInfo)
      .then((info) => !cancelled && adopt(info))
      .catch((err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && err.code === 'unauthenticated') setState({ status: 'anonymous' });
        else setState({ status: 'error', error: err });
      });
    return () => {
      cancelled = true;
    };
  }, [adopt, attempt]);

  // One socket per logged-in person; a different account gets a fresh one.
  const userId = state.status === 'user' ? state.me.id : null;
  useEffect(() => {
    if (!userId) return;
    const client = new RealtimeClient();
    client.start();
    setRealtime(client);
    return () => {
      client.stop();
      setRealtime(null);
    };
  }, [userId]);

  const value = useMemo<Session>(
    () => ({
      state,
      me: state.status === 'user' ? state.me : null,
      realtime,
      login: async (body) => adopt(await api.post('/api/v1/auth/login', SessionInfo, body)),
      signup: async (body) => adopt(await api.post('/api/v1/auth/signup', SessionInfo, body)),
      logout: async () => {
        await api.post('/api/v1/auth/logout', Ok);
        setCsrfToken('');
        // A fresh page drops every in-memory trace of the account (inbox, socket, caches) at once,
        // and screens that need a login never get to bounce to the login form on the way out.
        location.replace('/');
      },
      updateMe: (me) => setState({ status: 'user', me }),
      retry: () => {
        setState({ status: 'loading' });
        setAttempt((n) => n + 1);
      },
    }),
    [state, realtime, adopt],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
