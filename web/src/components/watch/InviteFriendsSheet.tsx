import { useMemo, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import { Avatar } from '../Avatar.tsx';
import { Empty, ErrorMessage, Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiPages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { useInviteErrorText } from './inviteError.ts';
import { useWatchInvite } from './watchInvite.ts';
import styles from './watch-invite.module.css';

type Sent = { state: 'sending' } | { state: 'sent' } | { state: 'failed'; message: string };

/**
 * From inside a party: my friends (mutual follows), each with an Invite button that sends the
 * party into our DM as a card they tap to join. Who may join stays the party's rule on the server.
 */
export function InviteFriendsSheet({ partyId, memberIds, onClose }: { partyId: string; memberIds: string[]; onClose: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const invite = useWatchInvite();
  const errorText = useInviteErrorText();
  const pages = useApiPages(api.graph.friends, { params: { handle: me?.handle ?? '' }, query: { limit: 50 } }, { enabled: !!me });
  const all = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.items), [pages.data]);
  const friends = useMemo(() => all.filter((u) => !memberIds.includes(u.id)), [all, memberIds]);
  const [sent, setSent] = useState<Record<string, Sent>>({});

  const send = (handle: string) => {
    setSent((s) => ({ ...s, [handle]: { state: 'sending' } }));
    invite(handle, partyId).then(
      () => setSent((s) => ({ ...s, [handle]: { state: 'sent' } })),
      (e: unknown) => setSent((s) => ({ ...s, [handle]: { state: 'failed', message: errorText(e) } })),
    );
  };

  return (
    <div className={styles.sheet} role="dialog" aria-label={t('watch.inviteTitle')} data-testid="watch-invite-sheet">
      <div className={styles.head}>
        <strong>{t('watch.inviteTitle')}</strong>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid="watch-invite-close">
          {t('chat.close')}
        </button>
      </div>
      <p className="muted small">{t('watch.inviteLead')}</p>
      {pages.isPending && <Loading />}
      {pages.error && <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {pages.isSuccess && friends.length === 0 && <Empty>{all.length > 0 ? t('watch.inviteAllHere') : t('watch.inviteEmpty')}</Empty>}
      {friends.length > 0 && (
        <ul className={styles.list}>
          {friends.map((u) => {
            const s = sent[u.handle];
            return (
              <li key={u.id} className={styles.row} data-testid="watch-invite-friend" data-handle={u.handle}>
                <Avatar user={u} size={40} />
                <span className={styles.name}>
                  <span>{u.displayName}</span>
                  <span className="muted small">@{u.handle}</span>
                  {s?.state === 'failed' && (
                    <span className="field-problem small" role="alert">
                      {s.message}
                    </span>
                  )}
                </span>
                <button
                  type="button"
                  className={`btn btn-small ${s?.state === 'sent' ? 'btn-ghost' : 'btn-primary'}`}
                  disabled={s?.state === 'sending' || s?.state === 'sent'}
                  onClick={() => send(u.handle)}
                  data-testid="watch-invite-send"
                >
                  {s?.state === 'sending'
                    ? t('watch.inviteSending')
                    : s?.state === 'sent'
                      ? t('watch.inviteSent')
                      : s?.state === 'failed'
                        ? t('common.retry')
                        : t('watch.inviteSend')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
