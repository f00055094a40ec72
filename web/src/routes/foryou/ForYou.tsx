import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Card } from '@tremolo/protocol';
import { ApiError } from '../../lib/api.ts';
import { fetchCard, fetchPopular } from '../../lib/cards.ts';
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
  const [cards, setCards] = useState<Card[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    setCards(null);
    fetchPopular(PEOPLE)
      .then((people) =>
        Promise.all(
          people.map((p) =>
            fetchCard(p.handle).catch((e: unknown) => {
              // Someone who left (or blocked me) since the list was made is simply not shown.
              if (e instanceof ApiError && (e.code === 'not_found' || e.code === 'blocked')) return null;
              throw e;
            }),
          ),
        ),
      )
      .then((all) => !cancelled && setCards(all.filter((c): c is Card => c !== null)))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  return (
    <section className="panel" data-testid="discover">
      <h2 className="section-title">{t('discover.title')}</h2>
      {error !== null && <ErrorMessage error={error} onRetry={() => setAttempt((n) => n + 1)} />}
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
