import { useQueryClient } from '@tanstack/react-query';
import { api, type AftersalesRequest } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { useI18n } from '../../../lib/i18n.tsx';
import { keyOf, useApiQuery } from '../../../lib/queries.ts';
import { RequestCard } from './OrderAftersales.tsx';

/** The moderators' part of after-sales: declined requests the buyer escalated, oldest first, each with its decision. */
export function EscalatedAftersales() {
  const { t } = useI18n();
  const list = useApiQuery(api.aftersales.escalated, {}, { staleTime: 0 });
  const client = useQueryClient();
  // A decided request leaves the queue.
  const decided = (r: AftersalesRequest) =>
    client.setQueryData(keyOf(api.aftersales.escalated, {}), (d: { items: AftersalesRequest[] } | undefined) => ({
      items: (d?.items ?? []).filter((x) => x.id !== r.id),
    }));
  if (list.error) return <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data) return <Loading />;
  return (
    <div className="stack" data-testid="mod-aftersales">
      <h2 className="section-title">{t('aftersales.queueTitle')}</h2>
      {list.data.items.length === 0 && <Empty>{t('aftersales.queueEmpty')}</Empty>}
      {list.data.items.map((r) => (
        <RequestCard key={r.id} request={r} role="moderator" moderator onChange={decided} />
      ))}
    </div>
  );
}
