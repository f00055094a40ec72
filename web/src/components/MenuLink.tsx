import { Link } from 'react-router-dom';
import { ChevronIcon } from './Icons.tsx';

/** One row of a settings-style menu (`.menu`): its label and a chevron, the whole row a link. */
export function MenuLink({ to, label, testId }: { to: string; label: string; testId: string }) {
  return (
    <Link to={to} className="menu-item" data-testid={testId}>
      <span>{label}</span>
      <ChevronIcon />
    </Link>
  );
}
