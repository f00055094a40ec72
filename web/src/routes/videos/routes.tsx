import type { ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { Discover } from '../foryou/ForYou.tsx';
import { MyVideos } from './MyVideos.tsx';
import { VideoPage } from './VideoPage.tsx';

/** The videos screens' routes, mounted by App inside <Routes>. */
export const videosRoutes: ReactElement[] = [
  <Route key="video" path="/v/:id" element={<VideoPage />} />,
  <Route
    key="my-videos"
    path="/me/videos"
    element={
      <RequireAuth>
        <MyVideos />
      </RequireAuth>
    }
  />,
  <Route key="discover" path="/discover" element={<Discover />} />,
];
