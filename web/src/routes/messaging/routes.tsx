import type { ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { DmPage } from './DmPage.tsx';
import { GroupAdmin } from './GroupAdmin.tsx';
import { GroupPage } from './GroupPage.tsx';
import { NewGroup } from './NewGroup.tsx';

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
