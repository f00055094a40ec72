import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from '../lib/session.tsx';

/**
 * Screens that only make sense for a logged-in person send others to log in, then back; or,
 * with `visitor`, show them that instead (a preview of what the link is, with sign-up buttons).
 */
export function RequireAuth({ children, visitor }: { children: ReactNode; visitor?: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (!me) {
    if (visitor) return visitor;
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
