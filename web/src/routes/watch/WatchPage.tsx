import { useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { InviteFriendsSheet } from '../../components/watch/InviteFriendsSheet.tsx';
import { ShareSheet } from '../../components/share/ShareSheet.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import type { SyncMode } from './player.ts';
import { useWatchChannel } from './useWatchChannel.ts';
import { useWatchParty } from './useWatchParty.ts';
import { useWatchPlayer } from './useWatchPlayer.ts';
import { WatchChat } from './WatchChat.tsx';
import { WatchControls, WatchStatus, type Control } from './WatchControls.tsx';
import { WatchPeople } from './WatchPeople.tsx';
import { WatchPlaylist, WatchProducts } from './WatchPlaylist.tsx';
import { WatchStage } from './WatchStage.tsx';
import styles from './WatchPage.module.css';

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
  const { realtime } = useSession();
  const { t } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(false);
  const [volume, setVolume] = useState(1);
  const [inviting, setInviting] = useState(false);
  const [sharing, setSharing] = useState(false);
  const w = useWatchParty(id);
  const { party, joined, myId, publish, current } = w;
  const { playerRef, status, position, duration } = useWatchPlayer(videoRef, { realtime, joined, party, publish, current, mode, myId });
  const { chat, floating, online } = useWatchChannel({ ...w, realtime, playerRef });

  if (w.error) return <ErrorMessage error={w.error} onRetry={w.rejoin} testId="watch-error" />;
  if (w.left) {
    return (
      <section className={styles.page} data-testid="watch-left">
        <p>{t('watch.left')}</p>
        <button type="button" className="btn btn-primary" onClick={w.rejoin} data-testid="watch-rejoin">
          {t('watch.rejoin')}
        </button>
      </section>
    );
  }
  if (!party) return <Loading testId="watch-loading" />;

  const playback = party.state;
  const video = party.videos.find((v) => v.id === playback.videoId) ?? null;
  const canControl = party.me.canControl;
  const nextIndex = party.playlist.indexOf(playback.videoId) + 1;
  const link = `${location.origin}${party.link}`;
  const control: Control = (action, extra = {}) => {
    if (!canControl) return w.setNotice(t('watch.locked'));
    playerRef.current?.control(action, extra);
  };
  const copyLink = () => {
    navigator.clipboard?.writeText(link).then(
      () => w.setNotice(t('watch.linkCopied')),
      () => w.setNotice(link),
    );
  };

  return (
    <section className={`${styles.page} wide`} data-testid="watch-page" data-party={party.id} data-video={playback.videoId}>
      <WatchStage
        videoRef={videoRef}
        muted={muted}
        posterUrl={video?.posterUrl ?? null}
        floating={floating}
        needsGesture={!!status?.needsGesture}
        onVolume={setVolume}
        onTapForSound={() => (setMuted(false), void videoRef.current?.play())}
      />
      <WatchControls
        playing={playback.playing}
        rate={playback.rate}
        position={position}
        // Until the player knows (metadata still loading), the length the server measured at upload.
        duration={duration || (video?.durationMs ?? 0)}
        canControl={canControl}
        hasNext={nextIndex > 0 && nextIndex < party.playlist.length}
        muted={muted}
        volume={volume}
        onControl={control}
        onResync={() => playerRef.current?.resync()}
        onToggleMute={() => setMuted((m) => !m)}
        onVolume={(v) => {
          if (videoRef.current) videoRef.current.volume = v;
        }}
      />
      <WatchStatus online={online} status={status} canControl={canControl} notice={w.notice} />
      <WatchPeople
        party={party}
        myId={myId}
        link={link}
        onHandOver={w.handOver}
        onSetMode={w.setMode}
        onCopyLink={copyLink}
        onShare={() => setSharing(true)}
        onInvite={() => setInviting(true)}
        onLeave={w.leave}
      />
      {inviting && (
        <InviteFriendsSheet partyId={party.id} memberIds={party.members.map((m) => m.user.id)} onClose={() => setInviting(false)} />
      )}
      {sharing && (
        <ShareSheet
          item={{
            target: { type: 'watch', id: party.id },
            path: party.link,
            title: video?.caption || t('watch.title'),
            subtitle: party.host ? t('visitor.invitedWatchHost', { name: party.host.displayName }) : t('watch.title'),
            image: video?.posterUrl ?? null,
          }}
          onClose={() => setSharing(false)}
        />
      )}
      {video && <WatchProducts video={video} partyId={party.id} />}
      <WatchPlaylist videos={party.videos} currentId={video?.id ?? null} canControl={canControl} onControl={control} />
      <WatchChat
        chat={chat}
        onReact={(emoji) => void publish({ kind: 'reaction', emoji })}
        onSend={(text) => void publish({ kind: 'chat', text })}
      />
    </section>
  );
}
