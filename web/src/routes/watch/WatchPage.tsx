import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import {
  api,
  type WatchParty,
  type ControlMode,
  type EventFrame,
  type PlaybackState,
  type UserSummary,
  type WatchAction,
  type WatchPartyInfo,
} from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ProductCard } from '../../components/shop/index.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { SyncedPlayer, type PlayerStatus, type SyncMode } from './player.ts';
import './watch.css';

interface ChatLine {
  key: string;
  from: UserSummary | null;
  text: string;
}

interface Floating {
  key: number;
  emoji: string;
  left: number;
}

const REACTIONS = ['❤️', '😂', '🔥', '👏', '😮'];
const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
const PRESENCE_EVERY_MS = 10_000;

let cidSeq = 0;
const newCid = () => `w${Date.now().toString(36)}${(cidSeq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

declare global {
  interface Window {
    /** The page's player, for end-to-end tests and the sync benchmark; only in the test build. */
    __watch?: SyncedPlayer;
  }
}

/**
 * A watch party (`/w/:id`): opening the link joins it. The video follows the party's state;
 * whoever may control plays, pauses, seeks, changes speed or skips; chat and reactions ride
 * on the same channel; product cards of the video record the party as the touchpoint.
 */
export function WatchPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  // The naive baseline is for the sync benchmark: only the test build (`vite build --mode test`) lets a link pick it.
  const mode: SyncMode = import.meta.env.MODE === 'test' && params.get('sync') === 'naive' ? 'naive' : 'sync';
  const { me, realtime } = useSession();
  const { t, tn } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<SyncedPlayer | null>(null);
  const [party, setParty] = useState<WatchParty | null>(null);
  const [playback, setPlayback] = useState<PlaybackState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [left, setLeft] = useState(false);
  const [status, setStatus] = useState<PlayerStatus | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [floating, setFloating] = useState<Floating[]>([]);
  const [draft, setDraft] = useState('');
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);
  const [muted, setMuted] = useState(false);
  const [volume, setVolume] = useState(1);
  const [online, setOnline] = useState(true);
  const [loadTick, setLoadTick] = useState(0);

  const channel = `watch:${id}`;
  const myId = me?.id ?? '';

  // Opening the link joins the party (a rejoin keeps one's role).
  useEffect(() => {
    if (!id || left) return;
    let cancelled = false;
    setError(null);
    call(api.watch.join, { params: { id } }).then(
      (p) => !cancelled && (setParty(p), setLoadTick((n) => n + 1)),
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [id, left]);

  const joined = !!party?.me.joined && !left;

  const publish = useCallback(
    (body: Parameters<NonNullable<typeof realtime>['publish']>[2]) => {
      if (!realtime) return Promise.resolve();
      return realtime.publish(channel, newCid(), body).then(
        () => undefined,
        (e: unknown) => {
          const code = e && typeof e === 'object' && 'code' in e ? e.code : null;
          if (code === 'forbidden') setNotice(t('watch.locked'));
        },
      );
    },
    [realtime, channel, t],
  );

  // The player: one per mounted page, bound to the <video>.
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !realtime || !joined) return;
    const player = new SyncedPlayer(
      video,
      realtime,
      {
        publishControl: (action, extra) => void publish({ kind: 'watch_control', action, ...extra }),
        reportBuffering: (b) =>
          void publish({ kind: 'watch_presence', status: b ? 'buffering' : 'ready', rttMs: Math.round(player.clock.rttMs) }),
        ended: () => {
          const cur = playerRef.current?.current;
          const p = partyRef.current;
          if (!cur || !p || p.host?.id !== myId) return;
          const i = p.playlist.indexOf(cur.videoId);
          if (i >= 0 && i + 1 < p.playlist.length) player.control('next');
        },
        status: setStatus,
      },
      mode,
      myId,
    );
    playerRef.current = player;
    if (import.meta.env.MODE === 'test') window.__watch = player;
    player.start();
    return () => {
      player.stop();
      playerRef.current = null;
      if (import.meta.env.MODE === 'test' && window.__watch === player) delete window.__watch;
    };
  }, [realtime, joined, publish, mode, myId]);

  const partyRef = useRef<WatchParty | null>(null);
  partyRef.current = party;

  // A state from HTTP reaches the player once it exists.
  useEffect(() => {
    if (party && playerRef.current) {
      playerRef.current.apply(party.state);
      setPlayback(playerRef.current.current);
    }
  }, [party, loadTick]);

  const refetch = useCallback(() => {
    call(api.watch.get, { params: { id } }).then((p) => {
      if (!p.me.joined) return;
      setParty(p);
      setLoadTick((n) => n + 1);
    }, setError);
  }, [id]);

  // The channel: states, membership, presence, chat, reactions.
  useEffect(() => {
    if (!realtime || !joined) return;
    const onEvent = (ev: EventFrame) => {
      const b = ev.body;
      switch (b.kind) {
        case 'watch_state':
          playerRef.current?.apply(b.state, b);
          setPlayback(playerRef.current?.current ?? b.state);
          if (b.action === 'pause' || b.action === 'play') setNotice(null);
          return;
        case 'watch_party':
          setParty((p) => (p ? mergeInfo(p, b.party, myId) : p));
          if (partyRef.current && b.party.playlist.join() !== partyRef.current.playlist.join()) refetch();
          return;
        case 'watch_presence':
          if (ev.from && ev.from !== myId) playerRef.current?.peerRtt(ev.from, b.rttMs, b.status === 'left');
          return;
        case 'chat': {
          const from = partyRef.current?.members.find((m) => m.user.id === ev.from)?.user ?? null;
          setChat((c) => [...c.slice(-99), { key: `${ev.ch}:${ev.seq ?? ev.at}`, from, text: b.text }]);
          return;
        }
        case 'reaction': {
          const key = Math.random();
          setFloating((f) => [...f.slice(-20), { key, emoji: b.emoji, left: 10 + Math.random() * 70 }]);
          setTimeout(() => setFloating((f) => f.filter((x) => x.key !== key)), 2500);
          return;
        }
        default:
          return;
      }
    };
    // Ready after every (re)subscription: the state may have moved on while we were away.
    const off = realtime.subscribe(channel, onEvent, refetch);
    const offStatus = realtime.onStatus((s) => setOnline(s === 'open' || s === 'connecting'));
    const hello = () =>
      void publish({ kind: 'watch_presence', status: 'watching', rttMs: Math.round(playerRef.current?.clock.rttMs ?? 0) });
    const first = setTimeout(hello, 1500);
    const every = setInterval(hello, PRESENCE_EVERY_MS);
    return () => {
      clearTimeout(first);
      clearInterval(every);
      void publish({ kind: 'watch_presence', status: 'left' });
      off();
      offStatus();
    };
  }, [realtime, joined, channel, refetch, publish, myId]);

  // The seek bar follows the party's clock.
  useEffect(() => {
    const timer = setInterval(() => {
      const p = playerRef.current;
      const v = videoRef.current;
      if (p) setPosition(p.partyPositionMs());
      if (v && Number.isFinite(v.duration)) setDuration(v.duration * 1000);
    }, 250);
    return () => clearInterval(timer);
  }, []);

  if (error) return <ErrorMessage error={error} onRetry={() => setLeft(false)} testId="watch-error" />;
  if (left) {
    return (
      <section className="watch-page" data-testid="watch-left">
        <p>{t('watch.left')}</p>
        <button type="button" className="btn btn-primary" onClick={() => setLeft(false)} data-testid="watch-rejoin">
          {t('watch.rejoin')}
        </button>
      </section>
    );
  }
  if (!party) return <Loading testId="watch-loading" />;

  const current = party.videos.find((v) => v.id === (playback ?? party.state).videoId) ?? null;
  const playing = (playback ?? party.state).playing;
  const canControl = party.me.canControl;
  const isHost = party.host?.id === myId;
  const nextIndex = party.playlist.indexOf((playback ?? party.state).videoId) + 1;
  const control = (action: WatchAction, extra: { positionMs?: number; rate?: number; videoId?: string } = {}) => {
    if (!canControl) return setNotice(t('watch.locked'));
    playerRef.current?.control(action, extra);
  };

  const copyLink = () => {
    const url = `${location.origin}${party.link}`;
    navigator.clipboard?.writeText(url).then(
      () => setNotice(t('watch.linkCopied')),
      () => setNotice(url),
    );
  };

  const sendChat = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    void publish({ kind: 'chat', text });
  };

  const leave = () => {
    void call(api.watch.leave, { params: { id } }).then(() => {
      setLeft(true);
      setParty(null);
    }, setError);
  };

  const setMode = (mode: ControlMode, cohosts?: string[]) =>
    call(api.watch.setControl, { params: { id }, body: { mode, ...(cohosts ? { cohosts } : {}) } }).then(setParty, setError);
  const cohostIds = party.members.filter((m) => m.role === 'cohost').map((m) => m.user.id);

  return (
    <section className="watch-page" data-testid="watch-page" data-party={party.id}>
      <div className="watch-stage">
        <video
          ref={videoRef}
          className="watch-video"
          playsInline
          preload="auto"
          muted={muted}
          poster={current?.posterUrl ?? undefined}
          onVolumeChange={(e) => setVolume(e.currentTarget.volume)}
          data-testid="watch-video"
        />
        <div className="watch-floating" aria-hidden="true">
          {floating.map((f) => (
            <span key={f.key} className="watch-float" style={{ left: `${f.left}%` }}>
              {f.emoji}
            </span>
          ))}
        </div>
        {status?.needsGesture && (
          <button
            type="button"
            className="watch-gesture"
            onClick={() => (setMuted(false), void videoRef.current?.play())}
            data-testid="watch-tap-sound"
          >
            {t('watch.tapForSound')}
          </button>
        )}
      </div>

      <div className="watch-bar">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => control(playing ? 'pause' : 'play')}
          disabled={!canControl}
          data-testid={playing ? 'watch-pause' : 'watch-play'}
        >
          {playing ? t('watch.pause') : t('watch.play')}
        </button>
        <input
          type="range"
          className="watch-seek"
          min={0}
          max={Math.max(1, Math.round(duration))}
          step={100}
          value={Math.round(Math.min(position, duration || position))}
          disabled={!canControl}
          aria-label="seek"
          onChange={(e) => control('seek', { positionMs: Number(e.currentTarget.value) })}
          data-testid="watch-seek"
        />
        <select
          aria-label={t('watch.rate')}
          value={String((playback ?? party.state).rate)}
          disabled={!canControl}
          onChange={(e) => control('rate', { rate: Number(e.currentTarget.value) })}
          data-testid="watch-rate"
        >
          {RATES.map((r) => (
            <option key={r} value={String(r)}>
              {r}×
            </option>
          ))}
        </select>
        {nextIndex > 0 && nextIndex < party.playlist.length && (
          <button type="button" className="btn btn-small" onClick={() => control('next')} disabled={!canControl} data-testid="watch-next">
            {t('watch.next')}
          </button>
        )}
        <button type="button" className="btn btn-small btn-ghost" onClick={() => playerRef.current?.resync()} data-testid="watch-resync">
          {t('watch.resync')}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setMuted((m) => !m)} data-testid="watch-mute">
          {muted ? t('watch.unmute') : t('watch.mute')}
        </button>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={volume}
          aria-label={t('watch.volume')}
          onChange={(e) => {
            if (videoRef.current) videoRef.current.volume = Number(e.currentTarget.value);
          }}
          data-testid="watch-volume"
        />
      </div>

      <p className="watch-status muted small" data-testid="watch-status">
        {!online
          ? t('watch.reconnecting')
          : status?.buffering
            ? t('watch.buffering')
            : status?.errorMs != null && Math.abs(status.errorMs) > 60
              ? t('watch.offBy', { ms: Math.abs(status.errorMs) })
              : t('watch.inSync')}
        {!canControl && <> · {t('watch.locked')}</>}
        {notice && (
          <>
            {' '}
            · <span data-testid="watch-notice">{notice}</span>
          </>
        )}
      </p>

      <div className="watch-people">
        <span className="watch-count" data-testid="watch-count">
          {tn('watch.watching', party.members.length)}
        </span>
        <ul className="watch-members" data-testid="watch-members">
          {party.members.map((m) => (
            <li key={m.user.id} data-testid="watch-member" data-handle={m.user.handle} data-role={m.role} title={m.user.displayName}>
              <Avatar user={m.user} size={32} />
              {m.role !== 'member' && <span className="watch-role">{m.role === 'host' ? t('watch.host') : t('watch.cohost')}</span>}
              {isHost && m.user.id !== myId && (
                <span className="watch-member-tools">
                  <button
                    type="button"
                    className="btn btn-small btn-quiet"
                    onClick={() => void call(api.watch.handOver, { params: { id }, body: { userId: m.user.id } }).then(setParty, setError)}
                    data-testid="watch-make-host"
                  >
                    {t('watch.makeHost')}
                  </button>
                  <label className="small">
                    <input
                      type="checkbox"
                      checked={m.role === 'cohost'}
                      onChange={(e) =>
                        void setMode(
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
        <div className="watch-actions">
          {isHost && (
            <label className="small">
              {t('watch.control')}{' '}
              <select
                value={party.controlMode}
                onChange={(e) => void setMode(e.currentTarget.value as ControlMode)}
                data-testid="watch-control-mode"
              >
                <option value="host">{t('watch.control.host')}</option>
                <option value="cohosts">{t('watch.control.cohosts')}</option>
                <option value="everyone">{t('watch.control.everyone')}</option>
              </select>
            </label>
          )}
          <button type="button" className="btn btn-small" onClick={copyLink} data-testid="watch-copy-link">
            {t('watch.copyLink')}
          </button>
          <code className="watch-link small" data-testid="watch-link">{`${location.origin}${party.link}`}</code>
          <button type="button" className="btn btn-small btn-danger" onClick={leave} data-testid="watch-leave">
            {t('watch.leave')}
          </button>
        </div>
      </div>

      {current && current.products.length > 0 && (
        <div className="watch-products">
          <h3 className="small">{t('watch.products')}</h3>
          {current.products.map((card) => (
            <ProductCard key={card.id} card={card} via={{ surface: 'watch', surfaceId: party.id }} size="compact" testId="watch-product" />
          ))}
        </div>
      )}

      {party.videos.length > 1 && (
        <ol className="watch-playlist small" data-testid="watch-playlist" aria-label={t('watch.playlist')}>
          {party.videos.map((v) => (
            <li key={v.id} className={v.id === current?.id ? 'current' : undefined}>
              <button
                type="button"
                className="btn btn-quiet btn-small"
                disabled={!canControl}
                onClick={() => control('video', { videoId: v.id })}
              >
                {v.caption || v.id.slice(0, 8)}
              </button>
            </li>
          ))}
        </ol>
      )}

      <div className="watch-chat">
        <div className="watch-reactions">
          {REACTIONS.map((e) => (
            <button
              key={e}
              type="button"
              className="btn btn-small btn-quiet"
              aria-label={`${t('watch.react')} ${e}`}
              onClick={() => void publish({ kind: 'reaction', emoji: e })}
              data-testid="watch-reaction"
            >
              {e}
            </button>
          ))}
        </div>
        <ul className="watch-chat-list" data-testid="watch-chat">
          {chat.map((c) => (
            <li key={c.key} data-testid="watch-chat-line">
              <strong>{c.from?.displayName ?? '…'}</strong> {c.text}
            </li>
          ))}
        </ul>
        <form className="watch-chat-form" onSubmit={sendChat}>
          <input
            value={draft}
            maxLength={2000}
            placeholder={t('watch.chatPlaceholder')}
            onChange={(e) => setDraft(e.currentTarget.value)}
            data-testid="watch-chat-input"
          />
          <button type="submit" className="btn btn-small btn-primary" data-testid="watch-chat-send">
            {t('watch.send')}
          </button>
        </form>
      </div>
    </section>
  );
}

function mergeInfo(p: WatchParty, info: WatchPartyInfo, myId: string): WatchParty {
  const mine = info.members.find((m) => m.user.id === myId);
  const canControl =
    !!mine && (info.host?.id === myId || info.controlMode === 'everyone' || (info.controlMode === 'cohosts' && mine.role === 'cohost'));
  return { ...p, ...info, me: { joined: !!mine, role: mine?.role ?? null, canControl } };
}
