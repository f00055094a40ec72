import type { ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { MatchPage } from './MatchPage.tsx';
import { ModerationPage } from './ModerationPage.tsx';
import { ShakePage } from './ShakePage.tsx';

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
