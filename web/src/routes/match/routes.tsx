import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';

// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const MatchPage = lazy(() => import('./MatchPage.tsx').then((m) => ({ default: m.MatchPage })));
const ModerationPage = lazy(() => import('./ModerationPage.tsx').then((m) => ({ default: m.ModerationPage })));
const ShakePage = lazy(() => import('./ShakePage.tsx').then((m) => ({ default: m.ShakePage })));

/** 连线 (`/match`), shake (`/shake`) and the moderators' review of their reports (`/moderation`). */
export const matchRoutes: ReactElement[] = [
  <Route
    key="match"
    path="/match"
    element={
      <RequireAuth>
        <MatchPage />
      </RequireAuth>
    }
  />,
  <Route
    key="shake"
    path="/shake"
    element={
      <RequireAuth>
        <ShakePage />
      </RequireAuth>
    }
  />,
  <Route
    key="moderation"
    path="/moderation"
    element={
      <RequireAuth>
        <ModerationPage />
      </RequireAuth>
    }
  />,
];
