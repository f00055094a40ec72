import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import styles from './watch-invite.module.css';

/**
 * A watch party shared into a chat: what plays, who hosts, how many watch, and Join. Reading
 * the party does not join it; opening the link does (the server decides who may).
 */
export function WatchInviteCard({ id }: { id: string }) {
  const { t, tn } = useI18n();
  const { me } = useSession();
  const query = useApiQuery(api.watch.get, { params: { id } });
  const party = query.data;
  if (query.error) {
    return (
      <p className="muted small" data-testid="watch-invite-gone">
        ▶ {t('chat.sharedWatch')} · {t('watch.inviteGone')}
      </p>
    );
  }
  if (!party) return <Loading />;
  const video = party.videos.find((v) => v.id === party.state.videoId) ?? party.videos[0] ?? null;
  return (
    <div className={styles.card} data-testid="watch-invite-card" data-party={party.id}>
      <span className={styles.poster} aria-hidden="true">
        {video?.posterUrl && <img src={video.posterUrl} alt="" loading="lazy" />}
        <span className={styles.play}>▶</span>
      </span>
      <span className={styles.text}>
        <strong>
          {!party.host
            ? t('chat.sharedWatch')
            : party.host.id === me?.id
              ? t('watch.inviteMine')
              : t('watch.inviteFrom', { name: party.host.displayName })}
        </strong>
        {video && <span className={`${styles.caption} small`}>{video.caption || `@${video.author.handle}`}</span>}
        <span className="muted small">{party.ended ? t('watch.inviteEnded') : tn('watch.watching', party.members.length)}</span>
        {!party.ended && (
          <Link to={party.link} className="btn btn-small btn-primary" data-testid="watch-invite-join">
            {party.me.joined ? t('watch.inviteOpen') : t('watch.inviteJoin')}
          </Link>
        )}
      </span>
    </div>
  );
}
