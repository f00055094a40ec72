import { useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { ListedUser } from '@tremolo/protocol';
import { useI18n } from '../lib/i18n.tsx';
import { useApiPages } from '../lib/queries.ts';
import { Avatar } from './Avatar.tsx';
import { Empty, ErrorMessage, Loading } from './Status.tsx';
import { LoadMore } from './LoadMore.tsx';

export type Direction = 'followers' | 'following' | 'friends';

const PAGE_SIZE = 20;

/** Someone's followers, following or friends, newest first, a page at a time; `action` adds a button to each row. */
export function UserList({
  handle,
  direction,
  empty,
  action,
}: {
  handle: string;
  direction: Direction;
  empty: ReactNode;
  action?: (user: ListedUser) => ReactNode;
}) {
  const { t } = useI18n();
  const pages = useApiPages(api.graph[direction], { params: { handle }, query: { limit: PAGE_SIZE } });
  // A person followed between two pages moves to the top and would be listed twice.
  const items = useMemo(() => {
    const seen = new Set<string>();
    return (pages.data?.pages ?? []).flatMap((p) => p.items).filter((u) => !seen.has(u.id) && (seen.add(u.id), true));
  }, [pages.data]);
  const loading = pages.isPending || pages.isFetchingNextPage;

  return (
    <div className="user-list" data-testid={`list-${direction}`}>
      {items.length > 0 && (
        <ul>
          {items.map((u) => (
            <li key={u.id} className={action ? 'user-row-with-action' : undefined}>
              <Link to={`/u/${u.handle}`} className="user-row" data-testid="user-row" data-handle={u.handle}>
                <Avatar user={u} size={44} />
                <span className="user-row-text">
                  <span className="user-row-name">{u.displayName}</span>
                  <span className="muted">@{u.handle}</span>
                </span>
                {u.friends && direction !== 'friends' && <span className="pill pill-friend">{t('list.mutual')}</span>}
              </Link>
              {action?.(u)}
            </li>
          ))}
        </ul>
      )}
      {pages.isSuccess && items.length === 0 && <Empty>{empty}</Empty>}
      {loading && <Loading />}
      {pages.error && <ErrorMessage error={pages.error} onRetry={() => void (pages.data ? pages.fetchNextPage() : pages.refetch())} />}
      {!loading && !pages.error && <LoadMore pages={pages} testId="list-load-more" />}
    </div>
  );
}
