import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { RequireAuth } from './components/RequireAuth.tsx';
import { ErrorMessage, Loading } from './components/Status.tsx';
import { TabBar } from './components/TabBar.tsx';
import { TopBar } from './components/TopBar.tsx';
import { I18nProvider } from './lib/i18n.tsx';
import { InboxProvider } from './lib/inbox.tsx';
import { SessionProvider, useSession } from './lib/session.tsx';
import { Login } from './routes/auth/Login.tsx';
import { Signup } from './routes/auth/Signup.tsx';
import { CardPage } from './routes/card/CardPage.tsx';
import { Connections } from './routes/card/Connections.tsx';
import { Create } from './routes/create/Create.tsx';
import { ForYou } from './routes/foryou/ForYou.tsx';
import { Friends } from './routes/friends/Friends.tsx';
import { Inbox } from './routes/inbox/Inbox.tsx';
import { ChangePassword } from './routes/me/ChangePassword.tsx';
import { EditProfile } from './routes/me/EditProfile.tsx';
import { Me } from './routes/me/Me.tsx';
import { NotFound } from './routes/NotFound.tsx';
import { matchRoutes } from './routes/match/routes.tsx';
import { roomsRoutes } from './routes/rooms/routes.tsx';
import { messagingRoutes } from './routes/messaging/routes.tsx';
import { shopRoutes } from './routes/shop/routes.tsx';
import { videosRoutes } from './routes/videos/routes.tsx';
import { watchRoutes } from './routes/watch/routes.tsx';

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <InboxProvider>
          <BrowserRouter>
            <Shell />
          </BrowserRouter>
        </InboxProvider>
      </SessionProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { state, retry } = useSession();
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <main className="page">
        {state.status === 'loading' && <Loading testId="session-loading" />}
        {state.status === 'error' && <ErrorMessage error={state.error} onRetry={retry} testId="session-error" />}
        {(state.status === 'user' || state.status === 'anonymous') && (
          <Routes>
            <Route path="/" element={<ForYou />} />
            <Route
              path="/friends"
              element={
                <RequireAuth>
                  <Friends />
                </RequireAuth>
              }
            />
            <Route path="/create" element={<Create />} />
            <Route
              path="/inbox"
              element={
                <RequireAuth>
                  <Inbox />
                </RequireAuth>
              }
            />
            <Route
              path="/me"
              element={
                <RequireAuth>
                  <Me />
                </RequireAuth>
              }
            />
            <Route
              path="/me/edit"
              element={
                <RequireAuth>
                  <EditProfile />
                </RequireAuth>
              }
            />
            <Route
              path="/me/password"
              element={
                <RequireAuth>
                  <ChangePassword />
                </RequireAuth>
              }
            />
            <Route path="/login" element={<Login />} />
            <Route path="/signup" element={<Signup />} />
            <Route path="/u/:handle" element={<CardPage />} />
            <Route path="/u/:handle/:list" element={<Connections />} />
            {videosRoutes}
            {shopRoutes}
            {messagingRoutes}
            {watchRoutes}
            {matchRoutes}
            {roomsRoutes}
            <Route path="*" element={<NotFound />} />
          </Routes>
        )}
      </main>
      <TabBar />
    </div>
  );
}
