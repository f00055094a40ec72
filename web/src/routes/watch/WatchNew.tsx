import { useEffect, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { WatchParty } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { api } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/w/new?video=<id>` (or `?videos=<id>,<id>,…` for a playlist, `&t=<ms>` to start there):
 * the entry point for a "Watch together" button anywhere. Starts the party and opens it.
 */
export function WatchNew() {
  const [params] = useSearchParams();
  const { t } = useI18n();
  const ids = (params.get('videos') ?? params.get('video') ?? '').split(',').map((s) => s.trim()).filter((s) => UUID.test(s));
  const start = Number(params.get('t') ?? 0);
  const key = ids.join(',');
  const [created, setCreated] = useState<WatchParty | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    api
      .post('/api/v1/watch', WatchParty, { videoIds: key.split(','), positionMs: Number.isFinite(start) && start > 0 ? Math.round(start) : 0 })
      .then((p) => !cancelled && setCreated(p), (e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [key, start, attempt]);

  if (!key) return <p className="muted" data-testid="watch-no-video">{t('watch.noVideo')}</p>;
  if (error) return <ErrorMessage error={error} onRetry={() => (setError(null), setAttempt((n) => n + 1))} testId="watch-error" />;
  if (created) return <Navigate to={created.link} replace />;
  return (
    <div data-testid="watch-starting">
      <Loading />
      <p className="muted">{t('watch.starting')}</p>
    </div>
  );
}
