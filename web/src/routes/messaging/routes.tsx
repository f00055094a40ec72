import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';

// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const DmPage = lazy(() => import('./DmPage.tsx').then((m) => ({ default: m.DmPage })));
const GroupAdmin = lazy(() => import('./GroupAdmin.tsx').then((m) => ({ default: m.GroupAdmin })));
const GroupPage = lazy(() => import('./GroupPage.tsx').then((m) => ({ default: m.GroupPage })));
const NewGroup = lazy(() => import('./NewGroup.tsx').then((m) => ({ default: m.NewGroup })));

/** The messaging screens' routes, mounted by App inside <Routes>. */
export const messagingRoutes: ReactElement[] = [
  // A group's page is public (its card and the way in); its chat needs a member.
  <Route key="group" path="/g/:id" element={<GroupPage />} />,
  <Route
    key="group-manage"
    path="/g/:id/manage"
    element={
      <RequireAuth>
        <GroupAdmin />
      </RequireAuth>
    }
  />,
  <Route
    key="group-new"
    path="/groups/new"
    element={
      <RequireAuth>
        <NewGroup />
      </RequireAuth>
    }
  />,
  <Route
    key="dm"
    path="/dm/:handle"
    element={
      <RequireAuth>
        <DmPage />
      </RequireAuth>
    }
  />,
];
