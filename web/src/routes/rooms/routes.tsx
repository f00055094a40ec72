import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';

// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const NewRoom = lazy(() => import('./NewRoom.tsx').then((m) => ({ default: m.NewRoom })));
const RoomVisitor = lazy(() => import('../../components/share/VisitorInvite.tsx').then((m) => ({ default: m.RoomVisitor })));
const RoomPage = lazy(() => import('./RoomPage.tsx').then((m) => ({ default: m.RoomPage })));
const RoomsHome = lazy(() => import('./RoomsHome.tsx').then((m) => ({ default: m.RoomsHome })));

/**
 * Friends chat rooms (朋友聊天室), mounted by App inside <Routes>. `/r/<id>` is the link people
 * share (the server's `link`); `/rooms` lists live rooms and mine; `/rooms/new` opens one.
 */
export const roomsRoutes: ReactElement[] = [
  <Route
    key="rooms"
    path="/rooms"
    element={
      <RequireAuth>
        <RoomsHome />
      </RequireAuth>
    }
  />,
  <Route
    key="rooms-new"
    path="/rooms/new"
    element={
      <RequireAuth>
        <NewRoom />
      </RequireAuth>
    }
  />,
  <Route
    key="room"
    path="/r/:id"
    element={
      <RequireAuth visitor={<RoomVisitor />}>
        <RoomPage />
      </RequireAuth>
    }
  />,
];
