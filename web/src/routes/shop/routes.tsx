import type { ReactElement } from 'react';

/** The shop screens' routes, mounted by App inside <Routes>. */
export const shopRoutes: ReactElement[] = [];
