import { useCallback, useEffect, useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { DmThread } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ChatView, type ChatEnv } from '../../components/chat/ChatView.tsx';
import { sendWatchInvite } from '../../components/watch/watchInvite.ts';
import { call } from '../../lib/client.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useChannelChat, useChatSnapshot, type Conversation, type Person } from '../../lib/chat.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import styles from '../../components/chat/chat.module.css';
import { cx } from '../../lib/cx.ts';

/** A direct message thread: friends talk freely; anyone else sends a limited message request. */
export function DmPage() {
  const { handle = '' } = useParams();
  const queryClient = useQueryClient();
  const { data: thread, error, refetch } = useApiQuery(api.dms.get, { params: { handle } });
  const refresh = useCallback(() => void refetch(), [refetch]);
  const onThread = useCallback(
    (t: DmThread) => queryClient.setQueryData(keyOf(api.dms.get, { params: { handle } }), t),
    [queryClient, handle],
  );

  // A failed refresh keeps the conversation on screen; only a thread never loaded shows the error.
  if (error !== null && !thread) {
    const final = error.code === 'not_found' || error.code === 'bad_request';
    return <ErrorMessage error={error} onRetry={final ? undefined : refresh} testId="dm-error" />;
  }
  if (!thread) return <Loading testId="dm-loading" />;
  return <DmChat key={thread.channel} thread={thread} onThread={onThread} refresh={refresh} />;
}

function DmChat({ thread, onThread, refresh }: { thread: DmThread; onThread: (t: DmThread) => void; refresh: () => void }) {
  const { t, tn } = useI18n();
  const errorText = useErrorText();
  const { me, realtime } = useSession();
  const peer = thread.peer;
  const conversation = useMemo((): Conversation => ({ type: 'dm', handle: peer.handle }), [peer.handle]);
  const chat = useChannelChat(realtime, thread.channel, conversation, me?.id ?? null, thread.lastReadSeq);
  const snap = useChatSnapshot(chat);
  // What the server said when the thread was (re)read; later reads arrive live as `dm_read` events.
  useEffect(() => chat?.seedPeerRead(thread.peerLastReadSeq), [chat, thread.peerLastReadSeq]);
  // Only read for the relationship (a block either way); without it the chat works as usual.
  const card = useApiQuery(api.cards.card, { params: { handle: peer.handle } }).data ?? null;

  // Each message moves the request along (allowance used, accepted by a reply): read the thread again.
  const mySent = snap.items.filter((i) => i.type === 'event' && i.mine).length;
  const theirs = snap.items.filter((i) => i.type === 'event' && !i.mine).length;
  useEffect(() => {
    if (mySent + theirs > 0) refresh();
  }, [mySent, theirs, refresh]);

  const people = useMemo(() => {
    const m = new Map<string, Person>();
    m.set(peer.id, { user: peer });
    if (me) m.set(me.id, { user: me });
    return m;
  }, [peer, me]);

  // The server's own word on why a message was refused (a block, a used-up request).
  const refusal = [...snap.items].reverse().find((i) => i.type === 'outbox' && i.state === 'failed');
  const blockedError = refusal && refusal.type === 'outbox' && refusal.error?.code === 'blocked' ? refusal.error : null;
  const blockedByCard = card?.relationship ? card.relationship.blocking || card.relationship.blockedBy : false;

  const accept = useApiMutation(api.dms.accept, { invalidates: [api.dms.list], onSuccess: onThread });
  const ignore = useApiMutation(api.dms.ignore, { invalidates: [api.dms.list], onSuccess: onThread });
  const busy = accept.isPending || ignore.isPending;
  const actionError = accept.error ?? ignore.error;
  const act = (action: 'accept' | 'ignore') => {
    // Only the latest answer's failure is shown.
    (action === 'accept' ? ignore : accept).reset();
    (action === 'accept' ? accept : ignore).mutate({ params: { handle: peer.handle } });
  };

  const used = thread.status === 'request_sent' && thread.requestAllowance === 0;
  // `?watch=1` (a "Watch together" button on a card or the friends list): open the sheet on it.
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const startWatch = useCallback(
    async (videoId: string) => {
      const party = await call(api.watch.create, { body: { videoIds: [videoId] } });
      await sendWatchInvite(realtime, peer.handle, party.id);
      void navigate(party.link);
    },
    [realtime, peer.handle, navigate],
  );
  const env: ChatEnv = {
    kind: 'dm',
    surfaceId: thread.channel,
    meId: me?.id ?? '',
    people,
    isAdmin: false,
    shareHandles: [...new Set([me?.handle ?? '', peer.handle])].filter(Boolean),
    readOnly: used ? t('dm.requestUsed', { name: peer.displayName }) : null,
    watchTogether: { openAtStart: params.get('watch') === '1', onStart: startWatch },
  };

  return (
    <section className={styles['chat-page']} data-testid="dm-page" data-status={thread.status}>
      <header className={styles['chat-head']}>
        <Link to="/inbox?tab=chats" className={styles['chat-back']} aria-label="←">
          ←
        </Link>
        <Link to={`/u/${peer.handle}`} className={styles['chat-head-link']}>
          <Avatar user={peer} size={38} />
          <span className={styles['chat-head-text']}>
            <h1 className={styles['chat-title']} data-testid="dm-name">
              {peer.deleted ? t('rights.deletedUser') : peer.displayName}
            </h1>
            <span className="muted small">@{peer.handle}</span>
          </span>
        </Link>
      </header>
      {(blockedError || blockedByCard) && (
        <div className={cx(styles['chat-banner'], styles['chat-banner-danger'])} role="alert" data-testid="dm-blocked">
          <strong>{t('dm.blocked')}</strong> <span className="small">{blockedError ? errorText(blockedError) : t('dm.blockedHint')}</span>
        </div>
      )}
      {thread.status === 'request_sent' && !used && (
        <div className={styles['chat-banner']} data-testid="dm-request-sent" data-allowance={thread.requestAllowance ?? ''}>
          {tn('dm.requestSent', thread.requestAllowance ?? 0, { name: peer.displayName })}
        </div>
      )}
      {thread.status === 'request_received' && (
        <div className={styles['chat-banner']} data-testid="dm-request-received">
          <span>{t('dm.requestReceived', { name: peer.displayName })}</span>
          <span className="actions-row">
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => act('accept')}
              disabled={busy}
              data-testid="dm-accept"
            >
              {t('dm.accept')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => act('ignore')} disabled={busy} data-testid="dm-ignore">
              {t('dm.ignore')}
            </button>
          </span>
        </div>
      )}
      {thread.status === 'ignored' && (
        <div className={styles['chat-banner']} data-testid="dm-ignored">
          <span>{t('dm.ignored')}</span>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => act('accept')} disabled={busy} data-testid="dm-accept">
            {t('dm.accept')}
          </button>
        </div>
      )}
      {actionError !== null && <ErrorMessage error={actionError} />}
      {chat ? <ChatView chat={chat} snap={snap} env={env} /> : <Loading testId="chat-loading" />}
    </section>
  );
}
