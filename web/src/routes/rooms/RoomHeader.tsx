import { useState } from 'react';
import type { Room, RoomState } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { ReportSheet } from '../../components/ReportSheet.tsx';
import { ShareSheet } from '../../components/share/ShareSheet.tsx';
import { CoverEditor } from './CoverUpload.tsx';
import { RoomReserve } from './RoomReserve.tsx';
import { cx } from './cx.ts';
import styles from './RoomHeader.module.css';
import shared from './shared.module.css';

/** The room's title, live badge, viewers and hearts. */
export function RoomHeader({ room, state }: { room: Room; state: RoomState }) {
  const { t, tn } = useI18n();
  const live = state.status === 'live';
  const [sharing, setSharing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const { me } = useSession();
  return (
    <header className={styles.head}>
      <div className={styles.title}>
        <span className={cx(shared.live, live && shared.on)}>{live ? t('rooms.live') : t('rooms.scheduled')}</span>
        <h1 data-testid="room-title">{room.title}</h1>
      </div>
      <div className={`${styles.counts} small`}>
        <span data-testid="room-viewers">{tn('rooms.viewers', state.viewers)}</span>
        <span data-testid="room-hearts">♥ {state.hearts}</span>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setSharing(true)} data-testid="room-share">
          {t('sheet.share')}
        </button>
        {me && me.id !== room.host.id && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setReporting(true)} data-testid="room-report">
            {t('report.action')}
          </button>
        )}
      </div>
      {reporting && <ReportSheet surface="room" targetId={room.id} onClose={() => setReporting(false)} />}
      {sharing && (
        <ShareSheet
          item={{
            target: { type: 'room', id: room.id },
            path: room.link,
            title: room.title,
            subtitle: t('room.hostedBy', { name: room.host.displayName }),
            image: room.coverUrl,
          }}
          onClose={() => setSharing(false)}
        />
      )}
    </header>
  );
}

/** Before it starts: the cover and the time; the host changes the cover or starts now. */
export function RoomScheduled({
  room,
  isHost,
  busy,
  onRoom,
  onStart,
}: {
  room: Room;
  isHost: boolean;
  busy: string | null;
  onRoom: (next: Room) => void;
  onStart: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={shared.panel} data-testid="room-scheduled">
      {room.coverUrl && <img src={room.coverUrl} alt={t('rooms.cover.alt')} className={styles.scheduledCover} data-testid="room-cover" />}
      <p>{t('rooms.startsAt', { time: room.scheduledAt ? new Date(room.scheduledAt).toLocaleString() : '—' })}</p>
      <RoomReserve roomId={room.id} isHost={isHost} />
      {isHost && <CoverEditor room={room} onRoom={onRoom} />}
      {isHost && (
        <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={onStart} data-testid="room-start">
          {busy === 'start' ? t('common.working') : t('rooms.startNow')}
        </button>
      )}
    </div>
  );
}
