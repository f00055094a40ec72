import { useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { AftersalesRequest } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { useI18n } from '../../../lib/i18n.tsx';
import { LoadMore } from '../../../components/LoadMore.tsx';
import { useApiPages } from '../../../lib/queries.ts';
import { RequestCard } from './OrderAftersales.tsx';

/** The moderators' part of after-sales: declined requests the buyer escalated, oldest first, each with its decision. */
export function EscalatedAftersales() {
  const { t } = useI18n();
  const pages = useApiPages(api.aftersales.escalated, { query: {} }, { staleTime: 0 });
  // A decided request leaves the queue; the pages already loaded stay as they are.
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const items = pages.data?.pages.flatMap((p) => p.items).filter((r) => !decided.has(r.id)) ?? null;
  if (pages.error && !items) return <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} />;
  if (!items) return <Loading />;
  return (
    <div className="stack" data-testid="mod-aftersales">
      <h2 className="section-title">{t('aftersales.queueTitle')}</h2>
      {items.length === 0 && !pages.hasNextPage && <Empty>{t('aftersales.queueEmpty')}</Empty>}
      {items.map((r) => (
        <RequestCard
          key={r.id}
          request={r}
          role="moderator"
          moderator
          onChange={(x: AftersalesRequest) => setDecided((s) => new Set(s).add(x.id))}
        />
      ))}
      <LoadMore pages={pages} />
    </div>
  );
}
