import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';

// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const WatchNew = lazy(() => import('./WatchNew.tsx').then((m) => ({ default: m.WatchNew })));
const WatchVisitor = lazy(() => import('../../components/share/VisitorInvite.tsx').then((m) => ({ default: m.WatchVisitor })));
const WatchPage = lazy(() => import('./WatchPage.tsx').then((m) => ({ default: m.WatchPage })));

/**
 * Watch together, mounted by App inside <Routes>. `/w/new?video=<id>` starts a party (the
 * entry for a "Watch together" button); `/w/<id>` is the link people share (`/watch/<id>`,
 * what chat share cards link to, is the same page).
 */
export const watchRoutes: ReactElement[] = [
  <Route
    key="watch-new"
    path="/w/new"
    element={
      <RequireAuth>
        <WatchNew />
      </RequireAuth>
    }
  />,
  <Route
    key="watch"
    path="/w/:id"
    element={
      <RequireAuth visitor={<WatchVisitor />}>
        <WatchPage />
      </RequireAuth>
    }
  />,
  <Route
    key="watch-alias"
    path="/watch/:id"
    element={
      <RequireAuth visitor={<WatchVisitor />}>
        <WatchPage />
      </RequireAuth>
    }
  />,
];
