import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { DmThread, Group } from '@tremolo/protocol';
import { previewText } from '../../components/chat/preview.ts';
import { Avatar } from '../../components/Avatar.tsx';
import { PinIcon } from '../../components/chat/FanBadge.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useBadges } from '../../lib/inbox.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import { timeAgo } from '../../lib/time.ts';
import styles from '../../components/chat/chat.module.css';
import { cx } from '../../lib/cx.ts';

/** Chats / Notifications, at the top of the Messages tab. */
export function MessagesSwitch({ active }: { active: 'chats' | 'notifications' }) {
  const { t } = useI18n();
  const { notifications, chats } = useBadges();
  return (
    <nav className={cx('segmented', styles['segmented-2'])} aria-label={t('nav.messages')} data-testid="messages-switch">
      <Link
        to="/inbox?tab=chats"
        className={active === 'chats' ? 'active' : ''}
        aria-current={active === 'chats' ? 'page' : undefined}
        data-testid="messages-tab-chats"
      >
        {t('msg.tabChats')}
        {chats > 0 && (
          <span className={styles['seg-count']} data-testid="messages-chats-count" aria-label={t('msg.chatsUnread', { count: chats })}>
            {chats > 99 ? '99+' : chats}
          </span>
        )}
      </Link>
      <Link
        to="/inbox"
        className={active === 'notifications' ? 'active' : ''}
        aria-current={active === 'notifications' ? 'page' : undefined}
        data-testid="messages-tab-notifications"
      >
        {t('msg.tabNotifications')}
        {notifications > 0 && (
          <span className={styles['seg-count']} data-testid="messages-notifications-count">
            {notifications > 99 ? '99+' : notifications}
          </span>
        )}
      </Link>
    </nav>
  );
}

type Row =
  | { type: 'dm'; key: string; at: string | null; unread: number; thread: DmThread }
  | { type: 'group'; key: string; at: string | null; unread: number; group: Group };

/** My conversations: direct messages and fan groups, with unread counts, newest activity first. */
export function Conversations() {
  const { t, tn, lang } = useI18n();
  // Unread counts move on other screens (reading a chat), so the list is fetched afresh on each visit.
  const dms = useApiQuery(api.dms.list, undefined, { refetchOnMount: 'always' });
  const groups = useApiQuery(api.groups.mine, undefined, { refetchOnMount: 'always' });
  // A failed background refresh keeps the list on screen, as before; only a list never loaded shows the error.
  const error = (dms.data ? null : dms.error) ?? (groups.data ? null : groups.error);

  const rows = useMemo(() => {
    if (!dms.data || !groups.data) return null;
    const out: Row[] = [
      ...dms.data.items.map((d): Row => ({ type: 'dm', key: `dm-${d.peer.id}`, at: d.lastMessageAt, unread: d.unread, thread: d })),
      ...groups.data.items.map((g): Row => ({ type: 'group', key: `g-${g.id}`, at: null, unread: g.me?.unread ?? 0, group: g })),
    ];
    // Unread first, then the latest DM activity; groups carry no timestamp, so they keep their order.
    out.sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0) || (b.at ?? '').localeCompare(a.at ?? ''));
    return out;
  }, [dms.data, groups.data]);

  // A new DM or mention arrives as a notification: the inbox provider has the list read again.
  const retry = () => {
    if (dms.error) void dms.refetch();
    if (groups.error) void groups.refetch();
  };

  return (
    <div className="stack" data-testid="conversations">
      <div className={styles['conv-actions']}>
        <Link to="/groups/new" className="btn btn-small btn-ghost" data-testid="new-group">
          ＋ {t('msg.newGroup')}
        </Link>
      </div>
      {rows === null && error === null && <Loading testId="conversations-loading" />}
      {error !== null && <ErrorMessage error={error} onRetry={retry} testId="conversations-error" />}
      {rows !== null && rows.length === 0 && <Empty testId="conversations-empty">{t('msg.chatsEmpty')}</Empty>}
      {rows !== null && rows.length > 0 && (
        <ul className="inbox-list" data-testid="conversation-list">
          {rows.map((r) =>
            r.type === 'dm' ? (
              <li key={r.key} data-testid="conversation" data-kind="dm" data-handle={r.thread.peer.handle} data-unread={r.unread}>
                <Link to={`/dm/${r.thread.peer.handle}`} className="inbox-link">
                  <Avatar user={r.thread.peer} size={48} />
                  <span className="inbox-text">
                    <span className={styles['conv-name']}>
                      {r.thread.peer.deleted ? t('rights.deletedUser') : r.thread.peer.displayName}
                      {(r.thread.status === 'request_received' || r.thread.status === 'ignored') && (
                        <span className={cx('pill', styles['conv-tag'])}>{t('msg.requestTag')}</span>
                      )}
                    </span>
                    <span className={cx('muted', 'small', styles['conv-preview'])} data-testid="conversation-preview">
                      {r.thread.preview ? previewText(r.thread.preview, t) : t('msg.noMessagesYet')}
                    </span>
                  </span>
                  <span className={styles['conv-side']}>
                    {r.at && <time className="muted small">{timeAgo(r.at, lang)}</time>}
                    {r.unread > 0 && (
                      <span
                        className={styles['conv-badge']}
                        data-testid="conversation-unread"
                        aria-label={t('msg.unreadCount', { count: r.unread })}
                      >
                        {r.unread > 99 ? '99+' : r.unread}
                      </span>
                    )}
                  </span>
                </Link>
              </li>
            ) : (
              <li key={r.key} data-testid="conversation" data-kind="group" data-group={r.group.id} data-unread={r.unread}>
                <Link to={`/g/${r.group.id}`} className="inbox-link">
                  <span className={styles['conv-group-avatar']}>
                    <Avatar user={r.group.owner} size={48} />
                  </span>
                  <span className="inbox-text">
                    <span className={styles['conv-name']}>
                      {r.group.name}
                      <span className={cx('pill', styles['conv-tag'])}>{t('msg.groupTag')}</span>
                    </span>
                    <span className={cx('muted', 'small', styles['conv-preview'])}>
                      {r.group.announcement ? (
                        <>
                          <PinIcon /> {r.group.announcement}
                        </>
                      ) : (
                        tn('msg.membersCount', r.group.members)
                      )}
                    </span>
                  </span>
                  <span className={styles['conv-side']}>
                    {r.unread > 0 && (
                      <span
                        className={styles['conv-badge']}
                        data-testid="conversation-unread"
                        aria-label={t('msg.unreadCount', { count: r.unread })}
                      >
                        {r.unread > 99 ? '99+' : r.unread}
                      </span>
                    )}
                  </span>
                </Link>
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}
