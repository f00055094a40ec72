import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Room, StageMember } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { GuestMenu, HandsQueue, InvitePicker, PinPicker } from './HostTools.tsx';
import { RoomSide } from './RoomChat.tsx';
import { RoomBar, RoomInvited, RoomMediaProblem } from './RoomControls.tsx';
import { RoomHeader, RoomScheduled } from './RoomHeader.tsx';
import { RoomStageOverlay } from './RoomStageOverlay.tsx';
import { RoomSummaryView } from './RoomSummaryView.tsx';
import { BroadcastPlayer } from './BroadcastPlayer.tsx';
import { EndedRoom, ReplayOffer, RoomReplay } from './RoomReplay.tsx';
import { Stage } from './Stage.tsx';
import { useRoom } from './useRoom.ts';
import { useRoomActions } from './useRoomActions.ts';
import { useRoomCheer } from './useRoomCheer.ts';
import { useRoomMedia } from './useRoomMedia.ts';
import styles from './RoomPage.module.css';
import shared from './shared.module.css';

let cidSeq = 0;
const newCid = () => `r${Date.now().toString(36)}${(cidSeq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A friends chat room (`/r/:id`). Opening the link enters it. Everyone watches the stage; the
 * host runs it (invites, raised hands, guest moderation, the pinned product, ending it); guests
 * send their camera and microphone; the audience chats, sends hearts and raises a hand.
 */
export function RoomPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { realtime } = useSession();
  const r = useRoom(id);
  const { room, state, me, myId } = r;
  // Removed from the room: every connection closes at once, whatever events are still on the way.
  const m = useRoomMedia(r.removed ? null : room, state, me, myId);
  const a = useRoomActions(id, room, state, me, myId, r.setRoom);
  const cheer = useRoomCheer(id, r.heartBursts, r.chat);
  const [panel, setPanel] = useState<'invite' | 'pin' | null>(null);
  // The room ended while I watched and I chose its replay.
  const [replay, setReplay] = useState<Room | null>(null);

  // Leaving the page leaves the room (a guest leaves the stage too).
  const leaveRoom = r.leave;
  useEffect(() => () => void leaveRoom(), [leaveRoom]);

  if (r.error && !room) {
    // An ended room cannot be entered; it may still be watched again.
    if (r.error instanceof ApiError && r.error.code === 'invalid_state') return <EndedRoom id={id} refusal={r.error} />;
    return (
      <ErrorMessage
        error={r.error}
        overrides={{ forbidden: 'rooms.notAllowed', not_found: 'rooms.notFound', invalid_state: 'rooms.endedAlready' }}
        testId="room-error"
      />
    );
  }
  if (r.removed) {
    return <RoomNotice testId="room-removed" reason={r.removed} title={r.removed === 'banned' ? t('rooms.banned') : t('rooms.removed')} />;
  }
  if (!room || !state || !me) return <Loading testId="room-loading" />;
  if (a.summary) return <RoomSummaryView summary={a.summary} />;
  if (replay) return <RoomReplay room={replay} startSec={null} />;
  if (a.ended)
    return (
      <RoomNotice
        testId="room-ended"
        title={t('rooms.ended')}
        subtitle={room.title}
        action={room.media.broadcast ? <ReplayOffer roomId={room.id} onWatch={setReplay} /> : null}
      />
    );

  const { isHost, mine } = a;
  const unmuteAll = () => {
    a.unblockSound();
    m.resumeAudio();
    for (const v of document.querySelectorAll<HTMLVideoElement>('[data-testid="room-stage"] video, [data-testid="room-broadcast"] video'))
      void v.play().catch(() => undefined);
  };
  const menuFor = (s: StageMember) => (isHost && s.user.id !== myId ? <GuestMenu roomId={id} member={s} /> : null);
  const sendChat = (text: string) => (realtime ? realtime.publish(r.channel, newCid(), { kind: 'chat', text }) : null);
  const blocked = a.soundBlocked;
  const overlay = (
    <RoomStageOverlay
      danmaku={cheer.danmaku}
      floating={cheer.floating}
      people={r.people}
      soundBlocked={blocked}
      onTapForSound={unmuteAll}
    />
  );

  return (
    <section
      className={`${shared.page} wide`}
      data-testid="room-page"
      data-room={room.id}
      data-role={me.role}
      data-media={m.broadcast ? 'broadcast' : 'webrtc'}
      data-version={state.version}
      data-resyncs={r.resyncs}
    >
      <RoomHeader room={room} state={state} />
      {state.status === 'scheduled' && <RoomScheduled room={room} isHost={isHost} busy={a.busy} onRoom={r.setRoom} onStart={a.start} />}

      <div className={styles.main}>
        <div className={styles.stageWrap}>
          {m.broadcast ? (
            <BroadcastPlayer roomId={room.id} tiles={state.stage.filter((s) => s.publishing).length} muted={blocked} overlay={overlay} />
          ) : (
            <Stage
              stage={state.stage}
              media={m.media}
              speaking={m.speaking}
              focused={m.focused}
              onFocus={m.setFocused}
              fanLevels={r.fanLevels}
              muted={blocked}
              menuFor={menuFor}
              overlay={overlay}
            />
          )}
          {state.stage.length === 0 && <p className="muted small">{t('rooms.emptyStage')}</p>}
          {mine && <RoomMediaProblem problem={m.problem} publishError={m.publishError !== null} onRetry={m.retry} />}
          <RoomBar
            state={state}
            me={me}
            mine={mine}
            isHost={isHost}
            busy={a.busy}
            panel={panel}
            onPanel={setPanel}
            onToggle={a.toggle}
            onLeaveStage={a.leaveStage}
            onRaiseHand={a.raiseHand}
            onHeart={cheer.heart}
            onEnd={() => a.end(() => window.confirm(t('rooms.endConfirm')))}
          />
          {a.error !== null && <ErrorMessage error={a.error} testId="room-action-error" />}
          {r.error !== null && <ErrorMessage error={r.error} onRetry={r.refetch} testId="room-sync-error" />}
          {me.invited && !mine && <RoomInvited hostName={room.host.displayName} busy={a.busy} onAnswer={a.answerInvite} />}
          {isHost && panel === 'invite' && <InvitePicker roomId={id} state={state} onClose={() => setPanel(null)} />}
          {isHost && panel === 'pin' && <PinPicker roomId={id} pinnedId={state.pinned?.id ?? null} onClose={() => setPanel(null)} />}
          {isHost && <HandsQueue roomId={id} hands={state.hands} total={state.handsTotal} />}
          {isHost && state.invites.length > 0 && (
            <p className="small muted" data-testid="room-pending-invites">
              {t('rooms.pendingInvites', { names: state.invites.map((u) => u.displayName).join(', ') })}
            </p>
          )}
        </div>
        <RoomSide roomId={id} pinned={state.pinned} chat={r.chat} people={r.people} myId={myId} onSend={sendChat} />
      </div>
    </section>
  );
}

/** The room is over for me (it ended, or the host removed me): a way to other rooms. */
function RoomNotice({
  testId,
  title,
  subtitle,
  reason,
  action,
}: {
  testId: string;
  title: string;
  subtitle?: string;
  reason?: string;
  action?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className={`${shared.page} ${styles.notice}`} data-testid={testId} data-reason={reason}>
      <h1>{title}</h1>
      {subtitle && <p className="muted">{subtitle}</p>}
      {action}
      <Link to="/rooms" className="btn btn-primary">
        {t('rooms.browse')}
      </Link>
    </section>
  );
}
