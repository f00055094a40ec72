import type { ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { NewRoom } from './NewRoom.tsx';
import { RoomPage } from './RoomPage.tsx';
import { RoomsHome } from './RoomsHome.tsx';

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
      <RequireAuth>
        <RoomPage />
      </RequireAuth>
    }
  />,
];
