import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router-dom';

// Each screen is its own chunk, downloaded when it is first opened (App's Suspense shows the loading line).
const SearchPage = lazy(() => import('./SearchPage.tsx').then((m) => ({ default: m.SearchPage })));
const HashtagPage = lazy(() => import('./HashtagPage.tsx').then((m) => ({ default: m.HashtagPage })));

/** Discover (search) and hashtag pages, mounted by App inside <Routes>. */
export const searchRoutes: ReactElement[] = [
  <Route key="discover" path="/discover" element={<SearchPage />} />,
  <Route key="hashtag" path="/t/:tag" element={<HashtagPage />} />,
];
