import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { RoomReservation } from '@tremolo/protocol';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { cx } from './cx.ts';

/**
 * 预约 on a scheduled room's page: how many reserved, and for a viewer a button to reserve or
 * cancel; the host only sees the count. Reserved people are told when the host starts the room.
 */
export function RoomReserve({ roomId, isHost }: { roomId: string; isHost: boolean }) {
  const { t, tn } = useI18n();
  const client = useQueryClient();
  const args = { params: { id: roomId } };
  const state = useApiQuery(api.rooms.reservation, args);
  const onSuccess = (r: RoomReservation) => client.setQueryData(keyOf(api.rooms.reservation, args), r);
  // The card shows the count too.
  const reserve = useApiMutation(api.rooms.reserve, { onSuccess, invalidates: [api.cards.card] });
  const cancel = useApiMutation(api.rooms.unreserve, { onSuccess, invalidates: [api.cards.card] });
  const busy = reserve.isPending || cancel.isPending;
  const error = reserve.error ?? cancel.error;
  const r = state.data;
  return (
    <div className="stack-tight" data-testid="room-reserve">
      <p className="small" data-testid="room-reserve-count" data-count={r?.count ?? ''}>
        {r ? tn('rooms.reservations', r.count) : t('common.loading')}
      </p>
      {!isHost && r && (
        <>
          <button
            type="button"
            className={cx('btn', r.mine ? 'btn-ghost' : 'btn-primary')}
            aria-pressed={r.mine}
            disabled={busy}
            onClick={() => (r.mine ? cancel.mutate(args) : reserve.mutate(args))}
            data-testid="room-reserve-button"
            data-mine={r.mine}
          >
            {busy ? t('common.working') : r.mine ? t('rooms.reserved') : t('rooms.reserve')}
          </button>
          <p className="small muted">{r.mine ? t('rooms.reservedHint') : t('rooms.reserveHint')}</p>
        </>
      )}
      {error && <ErrorMessage error={error} testId="room-reserve-error" />}
      {state.error && <ErrorMessage error={state.error} onRetry={() => void state.refetch()} testId="room-reserve-load-error" />}
    </div>
  );
}
