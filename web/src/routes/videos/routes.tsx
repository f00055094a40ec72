import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';
import { RequireAuth } from '../../components/RequireAuth.tsx';
import { VideoPage } from './VideoPage.tsx';

// The shared link's page (/v/:id) stays in the first download: it is a first screen too.
// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const MyVideos = lazy(() => import('./MyVideos.tsx').then((m) => ({ default: m.MyVideos })));

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
];
