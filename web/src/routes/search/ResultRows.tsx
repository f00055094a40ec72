import { Link } from 'react-router-dom';
import type { HashtagHit, LiveHit, PersonHit, SearchRelation } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { tagPath } from '../../lib/rich-text.ts';
import { compactCount } from '../../components/video/videoApi.ts';
import { cx } from '../../lib/cx.ts';
import styles from './Search.module.css';

const RELATIONS: Record<Exclude<SearchRelation, 'none'>, MessageKey> = {
  self: 'search.relation.self',
  friend: 'search.relation.friend',
  following: 'search.relation.following',
  followed_by: 'search.relation.followed_by',
  friend_of_friend: 'search.relation.friend_of_friend',
};

/** A person found: name, handle, followers, and how they relate to me (friends first, as ranked). */
export function PersonRow({ hit, onOpen, compact = false }: { hit: PersonHit; onOpen?: () => void; compact?: boolean }) {
  const { t, tn, lang } = useI18n();
  const u = hit.user;
  return (
    <Link
      to={`/u/${u.handle}`}
      className={cx(styles.row, compact && styles['row-compact'])}
      onClick={onOpen}
      data-testid="search-person"
      data-handle={u.handle}
    >
      <Avatar user={u} size={compact ? 36 : 48} />
      <span className={styles['row-text']}>
        <span className={styles['row-title']}>
          {u.displayName}
          {hit.relation !== 'none' && (
            <span className={cx('pill', (hit.relation === 'friend' || hit.relation === 'following') && 'pill-friend')}>
              {t(RELATIONS[hit.relation])}
            </span>
          )}
        </span>
        <span className="muted small">
          @{u.handle} · {tn('search.followers', hit.followers, { n: compactCount(hit.followers, lang) })}
          {hit.mutualFriends > 0 && ` · ${tn('search.mutualFriends', hit.mutualFriends)}`}
        </span>
        {!compact && u.bio && <span className={styles['row-bio']}>{u.bio}</span>}
      </span>
    </Link>
  );
}

/** A hashtag: its name, how many videos carry it and how often they were watched. */
export function HashtagRow({ hit, onOpen, compact = false }: { hit: HashtagHit; onOpen?: () => void; compact?: boolean }) {
  const { tn, t, lang } = useI18n();
  return (
    <Link
      to={tagPath(hit.tag)}
      className={cx(styles.row, compact && styles['row-compact'])}
      onClick={onOpen}
      data-testid="search-hashtag"
      data-tag={hit.tag}
    >
      <span className={cx(styles.hash, compact && styles['hash-compact'])} aria-hidden="true">
        #
      </span>
      <span className={styles['row-text']}>
        <span className={styles['row-title']}>#{hit.tag}</span>
        <span className="muted small">
          {tn('search.tagVideos', hit.videos, { n: compactCount(hit.videos, lang) })}
          {hit.views > 0 && ` · ${t('search.tagViews', { count: compactCount(hit.views, lang) })}`}
        </span>
      </span>
    </Link>
  );
}

/** A live room on now: cover, title, host and how many watch. */
export function LiveRow({ hit, onOpen }: { hit: LiveHit; onOpen?: () => void }) {
  const { t, lang } = useI18n();
  return (
    <Link to={hit.link} className={styles.row} onClick={onOpen} data-testid="search-live" data-room-id={hit.id}>
      <span className={styles['live-cover']}>
        {hit.coverUrl ? <img src={hit.coverUrl} alt="" loading="lazy" /> : <Avatar user={hit.host} size={48} />}
        <span className={styles['live-badge']}>{t('search.liveNow')}</span>
      </span>
      <span className={styles['row-text']}>
        <span className={styles['row-title']}>{hit.title}</span>
        <span className="muted small">
          {hit.host.displayName} · {t('search.liveViewers', { count: compactCount(hit.viewers, lang) })}
        </span>
      </span>
    </Link>
  );
}

/** Trending or related hashtags as chips. */
export function TagChips({ tags, onOpen, testId }: { tags: HashtagHit[]; onOpen?: (tag: string) => void; testId: string }) {
  return (
    <ul className={styles.chips} data-testid={testId}>
      {tags.map((h, i) => (
        <li key={h.tag}>
          <Link to={tagPath(h.tag)} className={styles.chip} onClick={() => onOpen?.(h.tag)} data-testid="tag-chip" data-tag={h.tag}>
            {testId === 'trending' && <span className={cx(styles.rank, i < 3 && styles['rank-top'])}>{i + 1}</span>}#{h.tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
