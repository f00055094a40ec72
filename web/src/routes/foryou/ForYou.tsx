import { Link } from 'react-router-dom';
import { useQueries } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { Avatar } from '../../components/Avatar.tsx';
import { ChevronIcon } from '../../components/Icons.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { ForYouFeed } from '../videos/ForYouFeed.tsx';

const PEOPLE = 3;

export function ForYou() {
  return <ForYouFeed discover={<Discover />} />;
}

/** The most-followed people, as the server ranks them: on /discover, and under an empty For You. */
export function Discover() {
  const { t, tn } = useI18n();
  const popular = useApiQuery(api.graph.popular, { query: { limit: PEOPLE } }, { retry: false });
  const people = useQueries({
    queries: (popular.data?.items ?? []).map((p) => {
      const args = { params: { handle: p.handle } };
      return { queryKey: keyOf(api.cards.card, args), queryFn: () => call(api.cards.card, args), retry: false };
    }),
  });
  // Someone who left (or blocked me) since the list was made is simply not shown.
  const gone = (e: Error | null) => e instanceof ApiError && (e.code === 'not_found' || e.code === 'blocked');
  const error = popular.error ?? people.find((q) => q.error && !gone(q.error))?.error ?? null;
  const cards =
    popular.isSuccess && people.every((q) => q.isSuccess || gone(q.error)) ? people.flatMap((q) => (q.data ? [q.data] : [])) : null;
  const retry = () => {
    if (popular.error) void popular.refetch();
    for (const q of people) if (q.error) void q.refetch();
  };

  return (
    <section className="panel" data-testid="discover">
      <h2 className="section-title">{t('discover.title')}</h2>
      {error !== null && <ErrorMessage error={error} onRetry={retry} />}
      {error === null && cards === null && <Loading />}
      {cards?.length === 0 && <Empty>{t('discover.empty')}</Empty>}
      {cards && cards.length > 0 && (
        <ul className="discover-list">
          {cards.map((c) => (
            <li key={c.user.id}>
              <Link to={`/u/${c.user.handle}`} className="discover-item" data-testid="discover-item" data-handle={c.user.handle}>
                <Avatar user={c.user} size={52} />
                <span className="discover-text">
                  <span className="user-row-name">{c.user.displayName}</span>
                  <span className="muted small">
                    @{c.user.handle} · {tn('discover.followers', c.counts.followers)}
                  </span>
                  {c.user.bio && <span className="discover-bio">{c.user.bio}</span>}
                </span>
                <ChevronIcon />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
