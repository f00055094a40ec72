import { useCallback, useEffect, useState } from 'react';
import type { Video } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { videosApi } from './videoApi.ts';
import { VideoGrid } from './VideoGrid.tsx';
import './video.css';

/** The creator's videos on their personal card: what I may see, newest first, more on demand. */
export function CreatorVideos({ handle }: { handle: string }) {
  const { t } = useI18n();
  const { me, realtime } = useSession();
  const [videos, setVideos] = useState<Video[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const mine = me?.handle === handle;

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const p = await videosApi.byAuthor(handle, after);
        setVideos((prev) => (after && prev ? [...prev, ...p.items] : p.items));
        setCursor(p.nextCursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [handle],
  );

  useEffect(() => {
    setVideos(null);
    void load(null);
  }, [load, attempt, me?.id]);

  // My own videos finish processing while I look at them.
  useEffect(() => {
    if (!mine || !realtime || !me) return;
    return realtime.subscribe(`user:${me.id}`, (ev) => {
      if (ev.body.kind !== 'video_status') return;
      const id = ev.body.videoId;
      videosApi
        .get(id)
        .then((v) => setVideos((prev) => prev?.map((x) => (x.id === id ? v : x)) ?? prev))
        .catch(() => undefined);
    });
  }, [mine, realtime, me]);

  return (
    <section className="panel creator-videos" data-testid="creator-videos">
      <h2 className="section-title">{t('creatorVideos.title')}</h2>
      {videos && videos.length > 0 && <VideoGrid videos={videos} />}
      {videos?.length === 0 && <p className="muted small" data-testid="creator-videos-empty">{t('creatorVideos.empty')}</p>}
      {loading && <Loading testId="creator-videos-loading" />}
      {error !== null && <ErrorMessage error={error} onRetry={() => (videos ? void load(cursor) : setAttempt((n) => n + 1))} testId="creator-videos-error" />}
      {cursor && !loading && (
        <button type="button" className="btn btn-ghost btn-small btn-block" onClick={() => void load(cursor)} data-testid="creator-videos-more">
          {t('creatorVideos.more')}
        </button>
      )}
    </section>
  );
}
