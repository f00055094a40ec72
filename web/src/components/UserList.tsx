import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ListedUser, page, type ListedUser as ListedUserT } from '@tremolo/protocol';
import { api, enc } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { Avatar } from './Avatar.tsx';
import { Empty, ErrorMessage, Loading } from './Status.tsx';

export type Direction = 'followers' | 'following' | 'friends';

const ListedPage = page(ListedUser);
const PAGE_SIZE = 20;

/**
 * Someone's followers, following or friends, newest first, a page at a time.
 * Changing `reloadKey` starts again from the top (a new friend arrived).
 */
export function UserList({ handle, direction, empty, reloadKey = 0 }: { handle: string; direction: Direction; empty: ReactNode; reloadKey?: number }) {
  const { t } = useI18n();
  const [items, setItems] = useState<ListedUserT[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState(false);

  const load = useCallback(
    async (after: string | null, replace: boolean) => {
      setLoading(true);
      setError(null);
      try {
        const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (after) q.set('cursor', after);
        const p = await api.get(`/api/v1/users/${enc(handle)}/${direction}?${q}`, ListedPage);
        setItems((prev) => {
          const base = replace ? [] : prev;
          const known = new Set(base.map((u) => u.id));
          return [...base, ...p.items.filter((u) => !known.has(u.id))];
        });
        setCursor(p.nextCursor);
        setStarted(true);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [handle, direction],
  );

  useEffect(() => {
    setStarted(false);
    void load(null, true);
  }, [load, reloadKey]);

  return (
    <div className="user-list" data-testid={`list-${direction}`}>
      {items.length > 0 && (
        <ul>
          {items.map((u) => (
            <li key={u.id}>
              <Link to={`/u/${u.handle}`} className="user-row" data-testid="user-row" data-handle={u.handle}>
                <Avatar user={u} size={44} />
                <span className="user-row-text">
                  <span className="user-row-name">{u.displayName}</span>
                  <span className="muted">@{u.handle}</span>
                </span>
                {u.friends && direction !== 'friends' && <span className="pill pill-friend">{t('list.mutual')}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {started && !loading && !error && items.length === 0 && <Empty>{empty}</Empty>}
      {loading && <Loading />}
      {error !== null && <ErrorMessage error={error} onRetry={() => void load(cursor, !started)} />}
      {!loading && !error && cursor && (
        <button type="button" className="btn btn-ghost btn-block" onClick={() => void load(cursor, false)} data-testid="list-load-more">
          {t('common.loadMore')}
        </button>
      )}
    </div>
  );
}
