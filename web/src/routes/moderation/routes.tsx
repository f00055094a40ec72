import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';

const ModerationQueue = lazy(() => import('./ModerationQueue.tsx').then((m) => ({ default: m.ModerationQueue })));
const Safety = lazy(() => import('./Safety.tsx').then((m) => ({ default: m.Safety })));

/** The moderators' queue of every surface (`/moderation/queue`) and a person's safety page (`/me/safety`). */
export const moderationRoutes: ReactElement[] = [
  <Route
    key="moderation-queue"
    path="/moderation/queue"
    element={
      <RequireAuth>
        <ModerationQueue />
      </RequireAuth>
    }
  />,
  <Route
    key="safety"
    path="/me/safety"
    element={
      <RequireAuth>
        <Safety />
      </RequireAuth>
    }
  />,
];
