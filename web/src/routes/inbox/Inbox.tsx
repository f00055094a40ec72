import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Notification, NotificationPayload, UserSummary } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { useI18n, type I18n } from '../../lib/i18n.tsx';
import { useBadges, useMarkSeen, useNotifications } from '../../lib/inbox.tsx';
import { timeAgo } from '../../lib/time.ts';
import { Conversations, MessagesSwitch } from '../messaging/Conversations.tsx';

export function Inbox() {
  const [params] = useSearchParams();
  // Chats (DMs and fan groups) and notifications share the Messages tab.
  if (params.get('tab') === 'chats') {
    return (
      <section className="stack" data-testid="inbox-page">
        <MessagesSwitch active="chats" />
        <Conversations />
      </section>
    );
  }
  return <Notifications />;
}

function Notifications() {
  const { t } = useI18n();
  const unread = useBadges().notifications;
  const { pages, items, markRead, markAllRead } = useNotifications();
  const markSeen = useMarkSeen();
  const loading = pages.isPending || pages.isFetchingNextPage;

  return (
    <section className="stack" data-testid="inbox-page">
      <MessagesSwitch active="notifications" />
      <header className="page-head page-head-row">
        <div>
          <h1>{t('inbox.title')}</h1>
          <p className="muted" data-testid="inbox-unread">
            {unread > 0 ? t('inbox.unread', { count: unread }) : t('inbox.allRead')}
          </p>
        </div>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={markAllRead}
          disabled={markRead.isPending || unread === 0}
          data-testid="inbox-mark-read"
        >
          {t('inbox.markAllRead')}
        </button>
      </header>
      {markRead.error !== null && <ErrorMessage error={markRead.error} />}
      {items.length > 0 && (
        <ul className="inbox-list" data-testid="inbox-list">
          {items.map((n) => (
            <NotificationRow key={n.id} n={n} onSeen={markSeen} />
          ))}
        </ul>
      )}
      {pages.isSuccess && !loading && !pages.error && items.length === 0 && <Empty>{t('inbox.empty')}</Empty>}
      {loading && <Loading />}
      {pages.error !== null && (
        <ErrorMessage error={pages.error} onRetry={() => void (pages.data ? pages.fetchNextPage() : pages.refetch())} />
      )}
      {!loading && !pages.error && <LoadMore pages={pages} testId="inbox-load-more" />}
    </section>
  );
}

/** The sentence, the face and the destination of each notification kind. */
function describe(
  p: NotificationPayload,
  t: I18n['t'],
  lang: I18n['lang'],
): { text: string; actor: UserSummary | null; to: string | null } {
  switch (p.kind) {
    case 'followed':
      return { text: t('inbox.followed', { name: p.actor.displayName }), actor: p.actor, to: `/u/${p.actor.handle}` };
    case 'friended':
      return { text: t('inbox.friended', { name: p.actor.displayName }), actor: p.actor, to: `/u/${p.actor.handle}` };
    case 'order':
      return {
        text: t('inbox.order', { title: p.title, status: t(`order.${p.status}`) }),
        actor: p.actor,
        to: `/shop/orders/${p.orderId}`,
      };
    case 'aftersales':
      return p.role === 'moderator'
        ? { text: t('inbox.aftersales.forModerators', { title: p.title }), actor: null, to: '/moderation/queue?tab=aftersales' }
        : { text: t(`inbox.aftersales.${p.event}`, { title: p.title }), actor: null, to: `/shop/orders/${p.orderId}` };
    case 'low_stock':
      return {
        text: t('inbox.lowStock', { title: p.title, sku: p.sku, count: p.stock }),
        actor: null,
        to: `/shop/seller/products/${p.productId}`,
      };
    case 'mention':
      return {
        text: t('inbox.mention', { name: p.actor.displayName, group: p.groupName, preview: p.preview }),
        actor: p.actor,
        to: `/g/${p.groupId}`,
      };
    case 'join_request':
      return {
        text: t('inbox.joinRequest', { name: p.actor.displayName, group: p.groupName }),
        actor: p.actor,
        to: `/g/${p.groupId}/manage`,
      };
    case 'dm':
      return {
        // Older inboxes only (DMs count in the chats badge now); an image had no text.
        text: t(p.request ? 'inbox.dmRequest' : 'inbox.dm', { name: p.actor.displayName, preview: p.preview || t('chat.image') }),
        actor: p.actor,
        to: `/dm/${p.actor.handle}`,
      };
    case 'room_live':
      return {
        text: t(p.reserved ? 'rooms.inbox.reservedLive' : 'rooms.inbox.live', { name: p.actor.displayName, title: p.title }),
        actor: p.actor,
        to: `/r/${p.roomId}`,
      };
    case 'room_invite':
      return { text: t('rooms.inbox.invite', { name: p.actor.displayName, title: p.title }), actor: p.actor, to: `/r/${p.roomId}` };
    case 'data_export':
      return { text: t(p.state === 'ready' ? 'inbox.dataReady' : 'inbox.dataFailed'), actor: null, to: '/me/settings/data' };
    case 'moderation':
      return {
        text: t(`inbox.moderation.${p.action}`, { until: p.until ? new Date(p.until).toLocaleString(lang) : '' }),
        actor: null,
        to: '/me/safety',
      };
    case 'review':
      return {
        text: t(`inbox.review.${p.role}`, { name: p.actor.displayName, title: p.title, stars: p.stars }),
        actor: p.actor,
        to: `/p/${p.productId}`,
      };
    default:
      // A kind added to the protocol after this screen: still counted and shown, in general words.
      return { text: t('inbox.generic'), actor: null, to: null };
  }
}

/** A notification counts as read once it has been on screen for a moment, or when it is opened. */
function NotificationRow({ n, onSeen }: { n: Notification; onSeen: (id: string) => void }) {
  const { t, lang } = useI18n();
  const { text, actor, to } = describe(n.payload, t, lang);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (n.read || !el || typeof IntersectionObserver === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const io = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting) timer ??= setTimeout(() => onSeen(n.id), 600);
        else if (timer) {
          clearTimeout(timer);
          timer = null;
        }
      },
      { threshold: 0.6 },
    );
    io.observe(el);
    return () => {
      io.disconnect();
      if (timer) clearTimeout(timer);
    };
  }, [n.id, n.read, onSeen]);
  const body = (
    <>
      {actor ? (
        <Avatar user={actor} size={44} />
      ) : (
        <span className="avatar avatar-letter avatar-system" style={{ width: 44, height: 44 }} aria-hidden="true">
          !
        </span>
      )}
      <span className="inbox-text">
        <span>{text}</span>
        <time className="muted small" dateTime={n.createdAt}>
          {timeAgo(n.createdAt, lang)}
        </time>
      </span>
      {!n.read && <span className="dot" aria-label={t('inbox.unreadItem')} />}
    </>
  );
  return (
    <li ref={ref} className={`inbox-item${n.read ? '' : ' unread'}`} data-testid="inbox-item" data-kind={n.payload.kind} data-read={n.read}>
      {to ? (
        <Link to={to} className="inbox-link" onClick={() => !n.read && onSeen(n.id)}>
          {body}
        </Link>
      ) : (
        <div className="inbox-link">{body}</div>
      )}
    </li>
  );
}
