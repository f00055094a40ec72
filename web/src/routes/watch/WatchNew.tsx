import { useCallback, useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/w/new?video=<id>` (or `?videos=<id>,<id>,…` for a playlist, `&t=<ms>` to start there):
 * the entry point for a "Watch together" button anywhere. Starts the party and opens it.
 */
export function WatchNew() {
  const [params] = useSearchParams();
  const { t } = useI18n();
  const ids = (params.get('videos') ?? params.get('video') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => UUID.test(s));
  const start = Number(params.get('t') ?? 0);
  const key = ids.join(',');
  const create = useApiMutation(api.watch.create);
  const { mutate } = create;
  const positionMs = Number.isFinite(start) && start > 0 ? Math.round(start) : 0;
  const startParty = useCallback(() => mutate({ body: { videoIds: key.split(','), positionMs } }), [mutate, key, positionMs]);

  // Opening the page is the request to start a party.
  useEffect(() => {
    if (key) startParty();
  }, [key, startParty]);

  if (!key)
    return (
      <p className="muted" data-testid="watch-no-video">
        {t('watch.noVideo')}
      </p>
    );
  if (create.error) return <ErrorMessage error={create.error} onRetry={startParty} testId="watch-error" />;
  if (create.data) return <Navigate to={create.data.link} replace />;
  return (
    <div data-testid="watch-starting">
      <Loading />
      <p className="muted">{t('watch.starting')}</p>
    </div>
  );
}
