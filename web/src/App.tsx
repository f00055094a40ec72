import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { RequireAuth } from './components/RequireAuth.tsx';
import { DeletionBanner } from './components/DeletionBanner.tsx';
import { AuthPromptProvider } from './components/share/AuthPrompt.tsx';
import { ErrorMessage, Loading } from './components/Status.tsx';
import { TabBar } from './components/TabBar.tsx';
import { TopBar } from './components/TopBar.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { I18nProvider } from './lib/i18n.tsx';
import { InboxProvider } from './lib/inbox.tsx';
import { SessionProvider, useSession } from './lib/session.tsx';
import { ForYou } from './routes/foryou/ForYou.tsx';
import { matchRoutes } from './routes/match/routes.tsx';
import { moderationRoutes } from './routes/moderation/routes.tsx';
import { roomsRoutes } from './routes/rooms/routes.tsx';
import { searchRoutes } from './routes/search/routes.tsx';
import { messagingRoutes } from './routes/messaging/routes.tsx';
import { shopRoutes } from './routes/shop/routes.tsx';
import { videosRoutes } from './routes/videos/routes.tsx';
import { watchRoutes } from './routes/watch/routes.tsx';

// For You (the first screen) and a shared video link are in the first download; every other
// screen is its own chunk, fetched when it is opened, so a phone's first visit downloads only
// what it shows.
const Login = lazy(() => import('./routes/auth/Login.tsx').then((m) => ({ default: m.Login })));
const Signup = lazy(() => import('./routes/auth/Signup.tsx').then((m) => ({ default: m.Signup })));
const CardPage = lazy(() => import('./routes/card/CardPage.tsx').then((m) => ({ default: m.CardPage })));
const Connections = lazy(() => import('./routes/card/Connections.tsx').then((m) => ({ default: m.Connections })));
const Create = lazy(() => import('./routes/create/Create.tsx').then((m) => ({ default: m.Create })));
const Friends = lazy(() => import('./routes/friends/Friends.tsx').then((m) => ({ default: m.Friends })));
const Inbox = lazy(() => import('./routes/inbox/Inbox.tsx').then((m) => ({ default: m.Inbox })));
const ChangePassword = lazy(() => import('./routes/me/ChangePassword.tsx').then((m) => ({ default: m.ChangePassword })));
const EditProfile = lazy(() => import('./routes/me/EditProfile.tsx').then((m) => ({ default: m.EditProfile })));
const PrivacySettingsPage = lazy(() => import('./routes/me/AccountRights.tsx').then((m) => ({ default: m.PrivacySettingsPage })));
const DownloadDataPage = lazy(() => import('./routes/me/AccountRights.tsx').then((m) => ({ default: m.DownloadDataPage })));
const DeleteAccountPage = lazy(() => import('./routes/me/AccountRights.tsx').then((m) => ({ default: m.DeleteAccountPage })));
const NotificationSettings = lazy(() => import('./routes/me/NotificationSettings.tsx').then((m) => ({ default: m.NotificationSettings })));
const Me = lazy(() => import('./routes/me/Me.tsx').then((m) => ({ default: m.Me })));
// Only for a signed-in person, and only when a host invites them on stage.
const StageInvitePrompt = lazy(() => import('./routes/rooms/StageInvitePrompt.tsx').then((m) => ({ default: m.StageInvitePrompt })));
const NotFound = lazy(() => import('./routes/NotFound.tsx').then((m) => ({ default: m.NotFound })));

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <InboxProvider>
          <BrowserRouter>
            <AuthPromptProvider>
              <Shell />
            </AuthPromptProvider>
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
      <DeletionBanner />
      <UpdatePrompt />
      <main className="page">
        {state.status === 'loading' && <Loading testId="session-loading" />}
        {state.status === 'error' && <ErrorMessage error={state.error} onRetry={retry} testId="session-error" />}
        {(state.status === 'user' || state.status === 'anonymous') && (
          // While a screen's chunk downloads (the first time it is opened), a small loading line.
          <Suspense fallback={<Loading testId="route-loading" />}>
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
              <Route
                path="/me/notifications"
                element={
                  <RequireAuth>
                    <NotificationSettings />
                  </RequireAuth>
                }
              />
              <Route
                path="/me/settings/privacy"
                element={
                  <RequireAuth>
                    <PrivacySettingsPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/me/settings/data"
                element={
                  <RequireAuth>
                    <DownloadDataPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/me/settings/delete"
                element={
                  <RequireAuth>
                    <DeleteAccountPage />
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
              {moderationRoutes}
              {roomsRoutes}
              {searchRoutes}
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        )}
      </main>
      {state.status === 'user' && (
        <Suspense fallback={null}>
          <StageInvitePrompt />
        </Suspense>
      )}
      <TabBar />
    </div>
  );
}
