import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type RoomSummary, type StageMember } from '@tremolo/protocol';
import { FanBadge } from '../../components/chat/FanBadge.tsx';
import { CoverEditor } from './CoverUpload.tsx';
import { ProductCard } from '../../components/shop/index.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { GuestMenu, HandsQueue, InvitePicker, PinPicker, useAction } from './HostTools.tsx';
import { CameraOffIcon, HeartIcon, MicOffIcon, Stage } from './Stage.tsx';
import { RoomSummaryView } from './RoomSummaryView.tsx';
import { useRoom, type ChatLine } from './useRoom.ts';
import { useRoomMedia } from './useRoomMedia.ts';
import './rooms.css';

let cidSeq = 0;
const newCid = () => `r${Date.now().toString(36)}${(cidSeq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Hearts are gathered and sent at most this often (the server takes one post a second). */
const HEART_FLUSH_MS = 1000;
const DANMAKU_MS = 7000;
const MAX_FLOATING = 24;

/**
 * A friends chat room (`/r/:id`). Opening the link enters it. Everyone watches the stage; the
 * host runs it (invites, raised hands, guest moderation, the pinned product, ending it); guests
 * send their camera and microphone; the audience chats, sends hearts and raises a hand.
 */
export function RoomPage() {
  const { id = '' } = useParams();
  const { t, tn } = useI18n();
  const { realtime } = useSession();
  const r = useRoom(id);
  const { room, state, me, myId } = r;
  // Removed from the room: every connection closes at once, whatever events are still on the way.
  const m = useRoomMedia(r.removed ? null : room, state, me, myId);
  const act = useAction();
  const [panel, setPanel] = useState<'invite' | 'pin' | null>(null);
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [summary, setSummary] = useState<RoomSummary | null>(null);
  const [floating, setFloating] = useState<{ key: number; left: number }[]>([]);
  const [danmaku, setDanmaku] = useState<(ChatLine & { lane: number })[]>([]);
  const pendingHearts = useRef(0);
  const lane = useRef(0);

  // Leaving the page leaves the room (a guest leaves the stage too).
  const leaveRoom = r.leave;
  useEffect(() => () => void leaveRoom(), [leaveRoom]);

  // Autoplay rules: until the person touches the page, sound may be refused; say so.
  useEffect(() => {
    const ctx = typeof AudioContext !== 'undefined' ? new AudioContext() : null;
    if (ctx && ctx.state === 'suspended') setSoundBlocked(true);
    void ctx?.close().catch(() => undefined);
  }, []);

  const float = useCallback((n: number) => {
    const add = Array.from({ length: n }, () => ({ key: Math.random(), left: 55 + Math.random() * 35 }));
    setFloating((f) => [...f, ...add].slice(-MAX_FLOATING));
    const keys = new Set(add.map((a) => a.key));
    setTimeout(() => setFloating((f) => f.filter((x) => !keys.has(x.key))), 2600);
  }, []);

  // Hearts from everyone arrive as totals; show what was added since the last one.
  const lastBursts = useRef(0);
  useEffect(() => {
    const n = r.heartBursts - lastBursts.current;
    lastBursts.current = r.heartBursts;
    if (n > 0) float(Math.min(n, 8));
  }, [r.heartBursts, float]);

  useEffect(() => {
    const timer = setInterval(() => {
      const n = pendingHearts.current;
      if (n <= 0 || !id) return;
      pendingHearts.current = 0;
      call(api.rooms.hearts, { params: { id }, body: { count: Math.min(n, 100) } }).catch(() => undefined);
    }, HEART_FLUSH_MS);
    return () => clearInterval(timer);
  }, [id]);

  // New chat lines fly over the stage (弹幕) for a few seconds.
  const seenChat = useRef(0);
  useEffect(() => {
    const fresh = r.chat.filter((c) => c.seq === null || c.seq > seenChat.current);
    if (!fresh.length) return;
    const maxSeq = Math.max(...r.chat.map((c) => c.seq ?? 0));
    const first = seenChat.current === 0;
    seenChat.current = maxSeq;
    // History loaded on entry is not replayed as danmaku.
    if (first && fresh.length > 3) return;
    const lines = fresh.slice(-4).map((c) => ({ ...c, lane: lane.current++ % 4 }));
    setDanmaku((d) => [...d, ...lines].slice(-12));
    const keys = new Set(lines.map((l) => l.key));
    setTimeout(() => setDanmaku((d) => d.filter((x) => !keys.has(x.key))), DANMAKU_MS);
  }, [r.chat]);

  // The host's summary once the room has ended.
  const ended = state?.status === 'ended';
  const isHost = me?.role === 'host';
  useEffect(() => {
    if (!ended || !room || summary) return;
    if (room.host.id !== myId && !isHost) return;
    call(api.rooms.summary, { params: { id } }).then(setSummary, () => undefined);
  }, [ended, room, myId, isHost, id, summary]);

  if (r.error && !room) {
    return (
      <ErrorMessage
        error={r.error}
        overrides={{ forbidden: 'rooms.notAllowed', not_found: 'rooms.notFound', invalid_state: 'rooms.endedAlready' }}
        testId="room-error"
      />
    );
  }
  if (r.removed) {
    return (
      <section className="room-page room-notice" data-testid="room-removed" data-reason={r.removed}>
        <h1>{r.removed === 'banned' ? t('rooms.banned') : t('rooms.removed')}</h1>
        <Link to="/rooms" className="btn btn-primary">
          {t('rooms.browse')}
        </Link>
      </section>
    );
  }
  if (!room || !state || !me) return <Loading testId="room-loading" />;

  if (summary) return <RoomSummaryView summary={summary} />;
  if (ended) {
    return (
      <section className="room-page room-notice" data-testid="room-ended">
        <h1>{t('rooms.ended')}</h1>
        <p className="muted">{room.title}</p>
        <Link to="/rooms" className="btn btn-primary">
          {t('rooms.browse')}
        </Link>
      </section>
    );
  }

  const mine = state.stage.find((s) => s.user.id === myId) ?? null;
  const onStage = mine !== null;

  const toggle = (kind: 'mic' | 'camera') => {
    if (!mine) return;
    void act.run(kind, () => call(api.rooms.setMedia, { params: { id }, body: { [kind]: !mine[kind] } }));
  };

  const answerInvite = (accept: boolean) =>
    act.run(`invite:${accept}`, async () => {
      const next = await call(api.rooms.answerInvite, { params: { id }, body: { accept } });
      r.setRoom(next);
      r.putState(next.state);
      r.setMe(next.me);
    });

  const start = () =>
    act.run('start', async () => {
      const next = await call(api.rooms.start, { params: { id } });
      r.setRoom(next);
      r.putState(next.state);
      r.setMe(next.me);
    });

  const end = () => {
    if (!window.confirm(t('rooms.endConfirm'))) return;
    void act.run('end', async () => setSummary(await call(api.rooms.end, { params: { id } })));
  };

  const heart = () => {
    pendingHearts.current += 1;
    float(1);
  };

  const sendChat = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || !realtime) return;
    setSendError(null);
    realtime.publish(r.channel, newCid(), { kind: 'chat', text }).then(
      () => setDraft(''),
      () => setSendError(t('rooms.sendFailed')),
    );
  };

  const unmuteAll = () => {
    setSoundBlocked(false);
    m.resumeAudio();
    for (const v of document.querySelectorAll<HTMLVideoElement>('.room-video')) void v.play().catch(() => undefined);
  };

  const menuFor = (s: StageMember) => (isHost && s.user.id !== myId ? <GuestMenu roomId={id} member={s} /> : null);
  const cardVia = { surface: 'room' as const, surfaceId: id };

  return (
    <section
      className="room-page"
      data-testid="room-page"
      data-room={room.id}
      data-role={me.role}
      data-version={state.version}
      data-resyncs={r.resyncs}
    >
      <header className="room-head">
        <div className="room-title">
          <span className={`room-live${state.status === 'live' ? ' on' : ''}`}>
            {state.status === 'live' ? t('rooms.live') : t('rooms.scheduled')}
          </span>
          <h1 data-testid="room-title">{room.title}</h1>
        </div>
        <div className="room-counts small">
          <span data-testid="room-viewers">{tn('rooms.viewers', state.viewers)}</span>
          <span data-testid="room-hearts">♥ {state.hearts}</span>
        </div>
      </header>

      {state.status === 'scheduled' && (
        <div className="room-panel room-scheduled" data-testid="room-scheduled">
          {room.coverUrl && (
            <img src={room.coverUrl} alt={t('rooms.cover.alt')} className="room-scheduled-cover" data-testid="room-cover" />
          )}
          <p>{t('rooms.startsAt', { time: room.scheduledAt ? new Date(room.scheduledAt).toLocaleString() : '—' })}</p>
          {isHost && <CoverEditor room={room} onRoom={(next) => r.setRoom(next)} />}
          {isHost && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={act.busy !== null}
              onClick={() => void start()}
              data-testid="room-start"
            >
              {act.busy === 'start' ? t('common.working') : t('rooms.startNow')}
            </button>
          )}
        </div>
      )}

      <div className="room-main">
        <div className="room-stage-wrap">
          <Stage
            stage={state.stage}
            media={m.media}
            speaking={m.speaking}
            focused={m.focused}
            onFocus={m.setFocused}
            fanLevels={r.fanLevels}
            muted={soundBlocked}
            menuFor={menuFor}
            overlay={
              <>
                <div className="room-danmaku" aria-hidden="true" data-testid="room-danmaku">
                  {danmaku.map((d) => (
                    <span key={d.key} className="room-danmaku-line" style={{ top: `${8 + d.lane * 11}%` }}>
                      {d.fanLevel ? <FanBadge level={d.fanLevel} /> : null} <b>{(d.from && r.people.get(d.from)?.displayName) ?? ''}</b>{' '}
                      {d.text}
                    </span>
                  ))}
                </div>
                <div className="room-floating" aria-hidden="true">
                  {floating.map((f) => (
                    <span key={f.key} className="room-float" style={{ left: `${f.left}%` }}>
                      <HeartIcon />
                    </span>
                  ))}
                </div>
                {soundBlocked && (
                  <button type="button" className="room-gesture" onClick={unmuteAll} data-testid="room-tap-sound">
                    {t('rooms.tapForSound')}
                  </button>
                )}
              </>
            }
          />
          {state.stage.length === 0 && <p className="muted small">{t('rooms.emptyStage')}</p>}

          {m.problem && onStage && (
            <div className="error-box" role="alert" data-testid="room-media-problem" data-problem={m.problem}>
              <span>{t(`rooms.media.${m.problem}`)}</span>
              <button type="button" className="btn btn-small btn-ghost" onClick={m.retry} data-testid="room-media-retry">
                {t('common.retry')}
              </button>
            </div>
          )}
          {m.publishError !== null && onStage && !m.problem && (
            <div className="error-box" role="alert" data-testid="room-publish-error">
              <span>{t('rooms.publishFailed')}</span>
              <button type="button" className="btn btn-small btn-ghost" onClick={m.retry}>
                {t('common.retry')}
              </button>
            </div>
          )}

          <div className="room-bar" data-testid="room-bar">
            {onStage && mine && (
              <>
                <button
                  type="button"
                  className={`btn btn-small${mine.mic ? '' : ' btn-danger'}`}
                  aria-pressed={!mine.mic}
                  disabled={act.busy === 'mic'}
                  onClick={() => toggle('mic')}
                  data-testid="room-mic"
                >
                  {!mine.mic && <MicOffIcon />} {mine.mic ? t('rooms.micOffAction') : t('rooms.micOnAction')}
                </button>
                <button
                  type="button"
                  className={`btn btn-small${mine.camera ? '' : ' btn-danger'}`}
                  aria-pressed={!mine.camera}
                  disabled={act.busy === 'camera'}
                  onClick={() => toggle('camera')}
                  data-testid="room-camera"
                >
                  {!mine.camera && <CameraOffIcon />} {mine.camera ? t('rooms.cameraOffAction') : t('rooms.cameraOnAction')}
                </button>
                {mine.micBlocked && (
                  <span className="small accent" data-testid="room-muted-by-host">
                    {t('rooms.mutedByHost')}
                  </span>
                )}
              </>
            )}
            {onStage && !isHost && (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                disabled={act.busy !== null}
                onClick={() => void act.run('stage-leave', () => call(api.rooms.leaveStage, { params: { id } }))}
                data-testid="room-leave-stage"
              >
                {t('rooms.leaveStage')}
              </button>
            )}
            {!onStage && state.status === 'live' && !me.invited && (
              <button
                type="button"
                className={`btn btn-small${me.handRaised ? ' btn-ghost' : ' btn-primary'}`}
                disabled={act.busy !== null}
                onClick={() => void act.run('hand', () => call(api.rooms.raiseHand, { params: { id }, body: { raised: !me.handRaised } }))}
                data-testid={me.handRaised ? 'room-lower-hand' : 'room-raise-hand'}
              >
                {act.busy === 'hand' ? t('common.working') : me.handRaised ? t('rooms.lowerHand') : t('rooms.raiseHand')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-small room-heart"
              aria-label={t('rooms.sendHeart')}
              onClick={heart}
              data-testid="room-heart"
            >
              <HeartIcon />
            </button>
            {isHost && (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setPanel(panel === 'invite' ? null : 'invite')}
                  data-testid="room-invite-open"
                >
                  {t('rooms.inviteFriends')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setPanel(panel === 'pin' ? null : 'pin')}
                  data-testid="room-pin-open"
                >
                  {t('rooms.pinProduct')}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  disabled={act.busy !== null}
                  onClick={end}
                  data-testid="room-end"
                >
                  {act.busy === 'end' ? t('common.working') : t('rooms.end')}
                </button>
              </>
            )}
          </div>
          {act.error !== null && <ErrorMessage error={act.error} testId="room-action-error" />}
          {r.error !== null && <ErrorMessage error={r.error} onRetry={r.refetch} testId="room-sync-error" />}

          {me.invited && !onStage && (
            <div className="room-panel room-invite" data-testid="room-invited">
              <p>{t('rooms.invitedYou', { name: room.host.displayName })}</p>
              <div className="room-row">
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={act.busy !== null}
                  onClick={() => void answerInvite(true)}
                  data-testid="room-invite-accept"
                >
                  {act.busy === 'invite:true' ? t('common.working') : t('rooms.joinStage')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  disabled={act.busy !== null}
                  onClick={() => void answerInvite(false)}
                  data-testid="room-invite-decline"
                >
                  {t('rooms.decline')}
                </button>
              </div>
            </div>
          )}

          {isHost && panel === 'invite' && <InvitePicker roomId={id} state={state} onClose={() => setPanel(null)} />}
          {isHost && panel === 'pin' && <PinPicker roomId={id} pinnedId={state.pinned?.id ?? null} onClose={() => setPanel(null)} />}
          {isHost && <HandsQueue roomId={id} hands={state.hands} total={state.handsTotal} />}
          {isHost && state.invites.length > 0 && (
            <p className="small muted" data-testid="room-pending-invites">
              {t('rooms.pendingInvites', { names: state.invites.map((u) => u.displayName).join(', ') })}
            </p>
          )}
        </div>

        <aside className="room-side">
          {state.pinned && (
            <div className="room-pinned" data-testid="room-pinned">
              <ProductCard card={state.pinned} via={cardVia} size="compact" testId="room-product" />
            </div>
          )}
          <div className="room-chat">
            <ul className="room-chat-list" data-testid="room-chat" aria-live="polite">
              {r.chat.length === 0 && <li className="muted small">{t('rooms.noChat')}</li>}
              {r.chat.map((c) => {
                const who = c.from ? r.people.get(c.from) : undefined;
                return (
                  <li key={c.key} data-testid="room-chat-line">
                    {c.fanLevel ? <FanBadge level={c.fanLevel} /> : null} <strong>{who?.displayName ?? '…'}</strong> {c.text}
                  </li>
                );
              })}
            </ul>
            <form className="room-chat-form" onSubmit={sendChat}>
              <input
                value={draft}
                maxLength={500}
                placeholder={t('rooms.chatPlaceholder')}
                aria-label={t('rooms.chatPlaceholder')}
                onChange={(e) => setDraft(e.currentTarget.value)}
                data-testid="room-chat-input"
              />
              <button type="submit" className="btn btn-small btn-primary" disabled={!draft.trim()} data-testid="room-chat-send">
                {t('rooms.send')}
              </button>
            </form>
            {sendError && (
              <p className="small error" role="alert" data-testid="room-chat-error">
                {sendError}
              </p>
            )}
          </div>
        </aside>
      </div>
    </section>
  );
}
