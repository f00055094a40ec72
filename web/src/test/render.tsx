import { AuthPromptProvider } from '../components/share/AuthPrompt.tsx';
import type { ReactElement } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { onTestFinished, vi } from 'vitest';
import { App } from '../App.tsx';
import { I18nProvider } from '../lib/i18n.tsx';
import { InboxProvider } from '../lib/inbox.tsx';
import { createQueryClient } from '../lib/queries.ts';
import { SessionProvider, useSession } from '../lib/session.tsx';
import { FakeServer } from './server.ts';

/** A socket that never connects: live updates are not what these tests are about, and no server listens. */
class QuietSocket {
  readonly readyState = 0;
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  send(): void {}
  close(): void {}
}

/**
 * Puts a fake server at the network boundary for this test: `fetch` goes to it and the realtime
 * socket stays unconnected. The test fails if the page sent, or the fake answered, anything off
 * the protocol's contract.
 */
export function fakeServer(): FakeServer {
  const server = new FakeServer();
  vi.stubGlobal('fetch', server.fetch);
  vi.stubGlobal('WebSocket', QuietSocket);
  onTestFinished(() => {
    vi.unstubAllGlobals();
    if (server.mistakes.length) throw new Error(server.mistakes.join('\n'));
  });
  return server;
}

/** The whole app, as the browser starts it (`main.tsx`), opened at `path`. */
export function renderApp(path: string) {
  window.history.replaceState(null, '', path);
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
  return { user, ...view };
}

/** As the app's shell does: no screen shows before the session is known. */
function SessionKnown({ children }: { children: ReactElement }) {
  const { state } = useSession();
  return state.status === 'loading' ? null : children;
}

function Landed() {
  const location = useLocation();
  return <p data-testid="landed">{location.pathname + location.search}</p>;
}

/**
 * One screen or sheet inside the app's providers (query cache, language, session, inbox) and a
 * router at `path`, matched by `route`; anywhere else it navigates shows a `landed` paragraph
 * with the location, to assert where the person ended up.
 */
export function renderScreen(ui: ReactElement, { path = '/', route = '*' }: { path?: string; route?: string } = {}) {
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={createQueryClient()}>
      <I18nProvider>
        <SessionProvider>
          <InboxProvider>
            <MemoryRouter initialEntries={[path]}>
              <AuthPromptProvider>
                <Routes>
                  <Route path={route} element={<SessionKnown>{ui}</SessionKnown>} />
                  {route !== '*' && <Route path="*" element={<Landed />} />}
                </Routes>
              </AuthPromptProvider>
            </MemoryRouter>
          </InboxProvider>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { user, ...view };
}
