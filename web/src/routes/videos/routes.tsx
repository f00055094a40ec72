import type { ReactElement } from 'react';

/** The videos screens' routes, mounted by App inside <Routes>. */
export const videosRoutes: ReactElement[] = [];
