import type { ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { WatchNew } from './WatchNew.tsx';
import { WatchPage } from './WatchPage.tsx';

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
      <RequireAuth>
        <WatchPage />
      </RequireAuth>
    }
  />,
  <Route
    key="watch-alias"
    path="/watch/:id"
    element={
      <RequireAuth>
        <WatchPage />
      </RequireAuth>
    }
  />,
];
