import type { ReactElement } from 'react';

/** The messaging screens' routes, mounted by App inside <Routes>. */
export const messagingRoutes: ReactElement[] = [];
