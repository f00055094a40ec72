import type { ControlMode, WatchParty } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import styles from './WatchPeople.module.css';

/** Who is watching; the host hands over, picks co-hosts and the control mode; the link and leaving. */
export function WatchPeople({
  party,
  myId,
  link,
  onHandOver,
  onSetMode,
  onCopyLink,
  onShare,
  onInvite,
  onLeave,
}: {
  party: WatchParty;
  myId: string;
  link: string;
  onHandOver: (userId: string) => void;
  onSetMode: (mode: ControlMode, cohosts?: string[]) => void;
  onCopyLink: () => void;
  onShare: () => void;
  /** Opens the sheet that sends the party to friends by DM. */
  onInvite: () => void;
  onLeave: () => void;
}) {
  const { t, tn } = useI18n();
  const isHost = party.host?.id === myId;
  const cohostIds = party.members.filter((m) => m.role === 'cohost').map((m) => m.user.id);
  return (
    <div className={styles.people}>
      <span data-testid="watch-count">{tn('watch.watching', party.members.length)}</span>
      <ul className={styles.members} data-testid="watch-members">
        {party.members.map((m) => (
          <li key={m.user.id} data-testid="watch-member" data-handle={m.user.handle} data-role={m.role} title={m.user.displayName}>
            <Avatar user={m.user} size={32} />
            {m.role !== 'member' && <span className={styles.role}>{m.role === 'host' ? t('watch.host') : t('watch.cohost')}</span>}
            {isHost && m.user.id !== myId && (
              <span className={styles.memberTools}>
                <button
                  type="button"
                  className="btn btn-small btn-quiet"
                  onClick={() => onHandOver(m.user.id)}
                  data-testid="watch-make-host"
                >
                  {t('watch.makeHost')}
                </button>
                <label className="small">
                  <input
                    type="checkbox"
                    checked={m.role === 'cohost'}
                    onChange={(e) =>
                      onSetMode(
                        party.controlMode === 'everyone' ? 'cohosts' : party.controlMode,
                        e.currentTarget.checked ? [...cohostIds, m.user.id] : cohostIds.filter((c) => c !== m.user.id),
                      )
                    }
                    data-testid="watch-cohost-toggle"
                  />
                  {t('watch.toggleCohost')}
                </label>
              </span>
            )}
          </li>
        ))}
      </ul>
      <div className={styles.actions}>
        {isHost && (
          <label className={`small ${styles.mode}`}>
            {t('watch.control')}
            <select
              className="select"
              value={party.controlMode}
              onChange={(e) => onSetMode(e.currentTarget.value as ControlMode)}
              data-testid="watch-control-mode"
            >
              <option value="host">{t('watch.control.host')}</option>
              <option value="cohosts">{t('watch.control.cohosts')}</option>
              <option value="everyone">{t('watch.control.everyone')}</option>
            </select>
          </label>
        )}
        <button type="button" className="btn btn-small btn-primary" onClick={onInvite} data-testid="watch-invite">
          {t('watch.invite')}
        </button>
        <button type="button" className="btn btn-small" onClick={onShare} data-testid="watch-share">
          {t('sheet.share')}
        </button>
        <button type="button" className="btn btn-small" onClick={onCopyLink} data-testid="watch-copy-link">
          {t('watch.copyLink')}
        </button>
        <code className={`${styles.link} small`} data-testid="watch-link">
          {link}
        </code>
        <button type="button" className="btn btn-small btn-danger" onClick={onLeave} data-testid="watch-leave">
          {t('watch.leave')}
        </button>
      </div>
    </div>
  );
}
