import { useParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import { InvitePreview } from './InvitePreview.tsx';

const gone = (e: unknown) => e instanceof ApiError && e.code === 'not_found';

/** `/w/<id>` for a visitor: the party's host, what plays and its poster. */
export function WatchVisitor() {
  const { t, tn } = useI18n();
  const { id = '' } = useParams();
  const q = useApiQuery(api.watch.preview, { params: { id } }, { retry: false });
  if (q.error && !gone(q.error)) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.error)
    return (
      <InvitePreview
        heading={t('visitor.invitedWatch')}
        title={null}
        image={null}
        host={null}
        status={t('visitor.previewGone')}
        testId="watch-preview"
      />
    );
  const p = q.data;
  if (!p) return <Loading />;
  return (
    <InvitePreview
      heading={p.host ? t('visitor.invitedWatchHost', { name: p.host.displayName }) : t('visitor.invitedWatch')}
      title={p.video ? p.video.caption || `@${p.video.author.handle}` : null}
      image={p.video?.posterUrl ?? null}
      host={p.host}
      status={tn('visitor.watchingN', p.watching)}
      testId="watch-preview"
    />
  );
}

/** `/r/<id>` for a visitor: a public room's title, cover, host and whether it is live. */
export function RoomVisitor() {
  const { t, tn } = useI18n();
  const { id = '' } = useParams();
  const q = useApiQuery(api.rooms.preview, { params: { id } }, { retry: false });
  if (q.error && !gone(q.error)) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.error)
    return (
      <InvitePreview
        heading={t('visitor.invitedRoom')}
        title={null}
        image={null}
        host={null}
        status={t('visitor.previewGone')}
        testId="room-preview"
      />
    );
  const r = q.data;
  if (!r) return <Loading />;
  const status =
    r.status === 'live' ? `${t('room.liveNow')} · ${tn('room.watchingN', r.viewers)}` : r.status === 'ended' ? t('room.ended') : null;
  return (
    <InvitePreview
      heading={t('visitor.invitedRoom')}
      title={r.title}
      image={r.coverUrl}
      host={r.host}
      status={status}
      testId="room-preview"
    />
  );
}
