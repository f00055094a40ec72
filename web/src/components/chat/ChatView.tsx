import { ReportSheet } from '../ReportSheet.tsx';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ChannelEvent, PublishBody, ShareTarget } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { ErrorMessage, Loading } from '../Status.tsx';
import type { ChannelChat, ChatItem, ChatSnapshot, Person } from '../../lib/chat.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { CouponCard, type CouponBook } from './CouponDrop.tsx';
import { FanBadge, PinIcon, RoleTag } from './FanBadge.tsx';
import { ShareCard } from './ShareCard.tsx';
import { ShareSheet, type WatchTogether } from './ShareSheet.tsx';
import styles from './chat.module.css';
import { cx } from '../../lib/cx.ts';

export interface ChatEnv {
  kind: 'group' | 'dm';
  /** The group id or DM channel, for product-card attribution. */
  surfaceId: string;
  meId: string;
  people: Map<string, Person>;
  /** Group admins (owner included) may delete any message and mention @all. */
  isAdmin: boolean;
  /** Deletes a message (groups only); resolves when the server agreed. */
  onDelete?: (seq: number) => Promise<void>;
  /** Coupon drops in this chat (groups). */
  coupons?: CouponBook;
  /** Whose products and videos the share sheet offers. */
  shareHandles: string[];
  /** Why I cannot write right now (muted, request used up, blocked), or null. */
  readOnly: string | null;
  /** Extra buttons in the composer (admins: drop a coupon). */
  tools?: ReactNode;
  /**
   * Watch together from the "+" sheet (DMs): starts a party with the picked video and sends the
   * invitation into this chat; `openAtStart` opens the sheet on it (a "Watch together" link led here).
   */
  watchTogether?: WatchTogether;
}

const EMOJI = [
  '😀',
  '😂',
  '🥰',
  '😍',
  '😎',
  '🤔',
  '😭',
  '😡',
  '👍',
  '👏',
  '🙏',
  '💪',
  '🔥',
  '🎉',
  '❤️',
  '💯',
  '✨',
  '🌹',
  '🍰',
  '🛍️',
  '😋',
  '🤩',
  '😴',
  '👀',
];

function displayName(env: ChatEnv, id: string | null, t: (k: 'chat.someone' | 'chat.you') => string): string {
  if (!id) return t('chat.someone');
  return env.people.get(id)?.user.displayName ?? t('chat.someone');
}

const SHARED_LABEL = {
  product: 'chat.sharedProduct',
  video: 'chat.sharedVideo',
  watch: 'chat.sharedWatch',
  card: 'chat.sharedCard',
  room: 'chat.sharedRoom',
} as const satisfies Record<ShareTarget['type'], MessageKey>;

function preview(body: ChannelEvent | PublishBody, t: ReturnType<typeof useI18n>['t']): string {
  switch (body.kind) {
    case 'chat':
      return body.text;
    case 'share':
      return `[${t(SHARED_LABEL[body.target.type])}] ${body.text ?? ''}`.trim();
    case 'image':
      return t('chat.image');
    case 'message_deleted':
      return t('chat.deleted');
    default:
      return '';
  }
}

/** `@Name` tokens stand out; the rest is plain text (React escapes it). */
function RichText({ text, mentionsMe }: { text: string; mentionsMe: boolean }) {
  const parts = text.split(/(@[^\s@]+)/g);
  return (
    <span className={`chat-text${mentionsMe ? ' chat-mentions-me' : ''}`}>
      {parts.map((p, i) =>
        p.startsWith('@') && p.length > 1 ? (
          <span key={i} className={styles.mention}>
            {p}
          </span>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </span>
  );
}

/** The conversation: history that grows upward, live messages, my pending ones, and the composer. */
export function ChatView({ chat, snap, env }: { chat: ChannelChat; snap: ChatSnapshot; env: ChatEnv }) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prevHeight = useRef<{ height: number; top: number; firstKey: string | null } | null>(null);
  const [showNew, setShowNew] = useState(false);
  const [replyTo, setReplyTo] = useState<{ seq: number; name: string; text: string } | null>(null);

  const bySeq = useMemo(() => {
    const m = new Map<number, Extract<ChatItem, { type: 'event' }>>();
    for (const it of snap.items) if (it.type === 'event') m.set(it.seq, it);
    return m;
  }, [snap.items]);

  // Keep the reader where they are when older messages arrive above, and follow new ones at the bottom.
  const firstKey = snap.items[0]?.key ?? null;
  const lastKey = snap.items[snap.items.length - 1]?.key ?? null;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = prevHeight.current;
    if (prev && prev.firstKey !== firstKey && prev.firstKey !== null) {
      el.scrollTop = prev.top + (el.scrollHeight - prev.height);
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevHeight.current = { height: el.scrollHeight, top: el.scrollTop, firstKey };
  }, [firstKey, snap.items.length]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      setShowNew(false);
    } else if (lastKey) {
      setShowNew(true);
    }
  }, [lastKey]);

  // My read position follows what I have seen: the bottom of the conversation while the tab is visible.
  useEffect(() => {
    if (atBottom.current && document.visibilityState === 'visible') chat.markRead();
  }, [chat, snap.head]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    prevHeight.current = { height: el.scrollHeight, top: el.scrollTop, firstKey };
    if (atBottom.current) {
      setShowNew(false);
      chat.markRead();
    }
  }, [chat, firstKey]);

  // Infinite history upward: reaching the top asks for the page before the oldest sequence held.
  useEffect(() => {
    const el = topSentinel.current;
    const root = scroller.current;
    if (!el || !root || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && snap.loaded && snap.hasOlder && !snap.loadingOlder && snap.olderError === null)
          void chat.loadOlder();
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [chat, snap.loaded, snap.hasOlder, snap.loadingOlder, snap.olderError]);

  const jumpToBottom = () => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setShowNew(false);
    chat.markRead();
  };

  const send = (body: PublishBody) => {
    atBottom.current = true;
    chat.send(body);
    setReplyTo(null);
  };

  // DMs: "seen" sits under my latest message once the other person has read that far.
  const lastMine = env.kind === 'dm' ? [...snap.items].reverse().find((i) => i.type === 'event' && i.mine) : undefined;
  const seenSeq = lastMine?.type === 'event' && lastMine.seq <= snap.peerRead ? lastMine.seq : null;

  const typingNames = snap.typing.map((id) => displayName(env, id, t)).filter(Boolean);

  return (
    <div className={styles.chat} data-testid="chat">
      <div className={styles['chat-scroll']} ref={scroller} onScroll={onScroll} data-testid="chat-scroll">
        <div ref={topSentinel} className={styles['chat-top']} />
        {snap.loaded && snap.hasOlder && (
          <div className={styles['chat-older']}>
            {snap.loadingOlder ? (
              <Loading testId="chat-older-loading" />
            ) : snap.olderError !== null ? (
              <ErrorMessage error={snap.olderError} onRetry={() => void chat.loadOlder()} testId="chat-older-error" />
            ) : (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => void chat.loadOlder()} data-testid="chat-load-older">
                {t('chat.loadOlder')}
              </button>
            )}
          </div>
        )}
        {snap.loaded && !snap.hasOlder && (
          <p className={cx(styles['chat-beginning'], 'muted', 'small')} data-testid="chat-beginning">
            {t('chat.beginning')}
          </p>
        )}
        {!snap.loaded && snap.loadError === null && <Loading testId="chat-loading" />}
        {snap.loadError !== null && <ErrorMessage error={snap.loadError} onRetry={() => chat.reloadFirst()} testId="chat-error" />}
        <ol className={styles['chat-list']} data-testid="chat-list">
          {snap.items.map((item) => (
            <Row
              key={item.key}
              item={item}
              env={env}
              chat={chat}
              bySeq={bySeq}
              onReply={setReplyTo}
              seen={item.type === 'event' && item.seq === seenSeq}
            />
          ))}
        </ol>
      </div>
      {showNew && (
        <button type="button" className={styles['chat-new-pill']} onClick={jumpToBottom} data-testid="chat-new-messages">
          {t('chat.newMessages')}
        </button>
      )}
      <div className={cx(styles['chat-typing'], 'muted', 'small')} aria-live="polite" data-testid="chat-typing">
        {typingNames.length > 0 && t('chat.typing', { name: typingNames.join(', ') })}
      </div>
      <Composer env={env} chat={chat} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} onSend={send} />
    </div>
  );
}

function Row({
  item,
  env,
  chat,
  bySeq,
  onReply,
  seen,
}: {
  item: ChatItem;
  env: ChatEnv;
  chat: ChannelChat;
  bySeq: Map<number, Extract<ChatItem, { type: 'event' }>>;
  onReply: (r: { seq: number; name: string; text: string }) => void;
  seen: boolean;
}) {
  const { t } = useI18n();
  if (item.type === 'outbox') {
    return <Bubble env={env} chat={chat} mine from={env.meId} body={item.body} seq={null} outbox={item} bySeq={bySeq} onReply={onReply} />;
  }
  const b = item.body;
  switch (b.kind) {
    case 'chat':
    case 'share':
    case 'image':
      return (
        <Bubble
          env={env}
          chat={chat}
          mine={item.mine}
          from={item.from}
          body={b}
          seq={item.seq}
          outbox={null}
          bySeq={bySeq}
          onReply={onReply}
          fanLevel={b.fanLevel}
          seen={seen}
        />
      );
    case 'message_deleted':
      // The tombstone sits at the deleted message's own sequence; the notice that deleted it shows nothing.
      if (b.seq !== item.seq) return null;
      return (
        <li className={cx(styles['chat-system'], 'muted', 'small')} data-testid="chat-deleted" data-seq={item.seq}>
          {t('chat.deleted')}
        </li>
      );
    case 'coupon_drop':
      return (
        <li className={cx(styles['chat-row'], styles['chat-row-wide'])} data-testid="chat-coupon" data-seq={item.seq}>
          {env.coupons ? (
            <CouponCard couponId={b.couponId} title={b.title} remaining={b.remaining} book={env.coupons} meId={env.meId} />
          ) : null}
        </li>
      );
    case 'announcement':
      return (
        <li
          className={cx(styles['chat-system'], styles['chat-system-announce'], 'small')}
          data-testid="chat-announcement-event"
          data-seq={item.seq}
        >
          <PinIcon /> {t('chat.event.announcement', { text: b.text })}
        </li>
      );
    case 'member': {
      const name = b.user ? (b.user.id === env.meId ? t('chat.you') : b.user.displayName) : '';
      const key = b.event === 'role' ? (`chat.event.role.${b.role ?? 'member'}` as const) : (`chat.event.${b.event}` as const);
      return (
        <li
          className={cx(styles['chat-system'], 'muted', 'small')}
          data-testid="chat-member-event"
          data-event={b.event}
          data-seq={item.seq}
        >
          {t(key, { name })}
        </li>
      );
    }
    case 'typing':
    case 'reaction':
      return null;
    default:
      return (
        <li className={cx(styles['chat-system'], 'muted', 'small')} data-seq={item.seq}>
          {t('chat.unknownEvent')}
        </li>
      );
  }
}

function Bubble({
  env,
  chat,
  mine,
  from,
  body,
  seq,
  outbox,
  bySeq,
  onReply,
  fanLevel,
  seen = false,
}: {
  env: ChatEnv;
  chat: ChannelChat;
  mine: boolean;
  from: string | null;
  body: PublishBody | ChannelEvent;
  seq: number | null;
  outbox: Extract<ChatItem, { type: 'outbox' }> | null;
  bySeq: Map<number, Extract<ChatItem, { type: 'event' }>>;
  onReply: (r: { seq: number; name: string; text: string }) => void;
  fanLevel?: number | undefined;
  seen?: boolean;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [menu, setMenu] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const person = from ? env.people.get(from) : undefined;
  const name = mine ? t('chat.you') : displayName(env, from, t);
  const level = fanLevel ?? person?.fanLevel;
  // A held message is waiting for a person, not broken: it is drawn apart from a failed send.
  const held = outbox?.state === 'failed' && outbox.error?.code === 'content_held';
  const state = held ? 'held' : outbox ? outbox.state : 'sent';
  const text = preview(body, t);

  const replyTarget = body.kind === 'chat' && body.replyTo ? bySeq.get(body.replyTo) : undefined;
  const mentionsMe = body.kind === 'chat' && (body.mentionAll === true || (body.mentions ?? []).includes(env.meId)) && !mine;
  const canDelete = env.kind === 'group' && seq !== null && env.onDelete !== undefined && (mine || env.isAdmin);

  const doDelete = async () => {
    if (seq === null || !env.onDelete) return;
    setDeleteError(null);
    try {
      await env.onDelete(seq);
      setConfirmDelete(false);
      setMenu(false);
    } catch (e) {
      setDeleteError(e);
    }
  };

  return (
    <li
      className={cx(styles['chat-row'], mine && styles['chat-row-mine'])}
      data-testid="chat-message"
      data-seq={seq ?? undefined}
      data-state={state}
      data-mine={mine}
      data-from={from ?? undefined}
    >
      {!mine &&
        (person ? (
          <Avatar user={person.user} size={34} />
        ) : (
          <span className="avatar avatar-letter avatar-system" style={{ width: 34, height: 34 }} aria-hidden="true">
            ?
          </span>
        ))}
      <div className={styles['chat-bubble-wrap']}>
        {env.kind === 'group' && (
          <div className={styles['chat-meta']}>
            <span className={styles['chat-name']} data-testid="chat-sender">
              {name}
            </span>
            {level !== undefined && person?.role !== 'owner' && <FanBadge level={level} />}
            <RoleTag role={person?.role} />
          </div>
        )}
        <div className={cx(styles['chat-bubble'], mentionsMe && styles['chat-bubble-mention'])}>
          {body.kind === 'chat' && body.replyTo !== undefined && (
            <div className={styles['chat-quote']} data-testid="chat-quote">
              {replyTarget ? (
                <>
                  <strong>{replyTarget.mine ? t('chat.you') : displayName(env, replyTarget.from, t)}</strong>{' '}
                  {preview(replyTarget.body, t).slice(0, 80)}
                </>
              ) : (
                t('chat.earlierMessage')
              )}
            </div>
          )}
          {body.kind === 'chat' && <RichText text={body.text} mentionsMe={mentionsMe} />}
          {body.kind === 'share' && (
            <ShareCard
              target={body.target}
              text={body.text}
              via={{ surface: env.kind, surfaceId: env.surfaceId, ...(from && !mine ? { sharedBy: from } : {}) }}
            />
          )}
          {body.kind === 'image' && (
            <img
              className={styles['chat-image']}
              src={body.url}
              width={body.width}
              height={body.height}
              alt={t('chat.image')}
              loading="lazy"
            />
          )}
        </div>
        <div className={cx(styles['chat-foot'], 'small')}>
          {mine && state === 'pending' && (
            <span className="chat-state muted" data-testid="chat-pending">
              ◷ {t('chat.sending')}
            </span>
          )}
          {mine && state === 'sent' && seen && (
            <span className={cx('chat-state', styles['chat-sent'])} data-testid="chat-seen">
              ✓✓ {t('chat.seen')}
            </span>
          )}
          {mine && state === 'sent' && !seen && (
            <span className={cx('chat-state', styles['chat-sent'])} data-testid="chat-sent">
              ✓ {t('chat.sent')}
            </span>
          )}
          {outbox && held && (
            // Not an error to fix: a word filter holds it until the creator or a moderator looks.
            <span className="chat-state muted" role="status" data-testid="chat-held">
              ◷ {t('chat.held')}
              <button type="button" className={styles['link-btn']} onClick={() => chat.discard(outbox.cid)} data-testid="chat-discard">
                {t('chat.hide')}
              </button>
            </span>
          )}
          {outbox && outbox.state === 'failed' && !held && (
            <span className={styles['chat-failed']} role="alert" data-testid="chat-failed">
              ⚠ {t('chat.failed')}: {outbox.error ? errorText(outbox.error) : ''}
              <button type="button" className={styles['link-btn']} onClick={() => chat.retry(outbox.cid)} data-testid="chat-resend">
                {t('chat.resend')}
              </button>
              <button type="button" className={styles['link-btn']} onClick={() => chat.discard(outbox.cid)} data-testid="chat-discard">
                {t('chat.discard')}
              </button>
            </span>
          )}
          {seq !== null && (
            <button
              type="button"
              className={cx(styles['link-btn'], styles['chat-more'])}
              onClick={() => setMenu((m) => !m)}
              aria-expanded={menu}
              aria-label={t('chat.more')}
              data-testid="chat-more"
            >
              ⋯
            </button>
          )}
        </div>
        {reporting && seq !== null && from !== null && (
          <ReportSheet
            surface={env.kind === 'group' ? 'group_message' : 'dm'}
            targetId={env.kind === 'group' ? env.surfaceId : from}
            seq={seq}
            onClose={() => setReporting(false)}
          />
        )}
        {menu && seq !== null && (
          <div className={styles['chat-menu']} data-testid="chat-menu">
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => (onReply({ seq, name, text }), setMenu(false))}
              data-testid="chat-reply"
            >
              {t('chat.reply')}
            </button>
            {!mine && from !== null && (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => (setReporting(true), setMenu(false))}
                data-testid="chat-report"
              >
                {t('report.action')}
              </button>
            )}
            {canDelete && !confirmDelete && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirmDelete(true)} data-testid="chat-delete">
                {t('chat.delete')}
              </button>
            )}
            {confirmDelete && (
              <span className={styles['chat-confirm']}>
                <span className="small">{t('chat.deleteConfirm')}</span>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => void doDelete()}
                  data-testid="chat-delete-confirm"
                >
                  {t('chat.delete')}
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirmDelete(false)}>
                  {t('common.cancel')}
                </button>
              </span>
            )}
            {deleteError !== null && <ErrorMessage error={deleteError} />}
          </div>
        )}
      </div>
    </li>
  );
}

interface MentionPick {
  id: string;
  name: string;
}

function Composer({
  env,
  chat,
  replyTo,
  onCancelReply,
  onSend,
}: {
  env: ChatEnv;
  chat: ChannelChat;
  replyTo: { seq: number; name: string; text: string } | null;
  onCancelReply: () => void;
  onSend: (body: PublishBody) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [emoji, setEmoji] = useState(false);
  const [sharing, setSharing] = useState(env.watchTogether?.openAtStart ?? false);
  const [mentioned, setMentioned] = useState<MentionPick[]>([]);
  const [mentionAll, setMentionAll] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  // "@par" at the caret offers matching members (and @all to admins).
  const query = /(?:^|\s)@([^\s@]*)$/.exec(text)?.[1];
  const suggestions = useMemo(() => {
    if (query === undefined || env.kind !== 'group') return [];
    const q = query.toLowerCase();
    const out: { id: string; name: string; handle: string }[] = [];
    for (const p of env.people.values()) {
      if (p.user.id === env.meId) continue;
      if (p.user.displayName.toLowerCase().includes(q) || p.user.handle.includes(q))
        out.push({ id: p.user.id, name: p.user.displayName, handle: p.user.handle });
      if (out.length >= 6) break;
    }
    return out;
  }, [query, env.people, env.kind, env.meId]);

  const insertMention = (name: string, id: string | 'all') => {
    const token = name.replace(/\s+/g, '_');
    setText((s) => s.replace(/@([^\s@]*)$/, `@${token} `));
    if (id === 'all') setMentionAll(true);
    else setMentioned((m) => (m.some((x) => x.id === id) ? m : [...m, { id, name: token }]));
    input.current?.focus();
  };

  const submit = () => {
    const body = text.trim();
    if (!body || env.readOnly) return;
    const mentions = mentioned.filter((m) => body.includes(`@${m.name}`)).map((m) => m.id);
    const all = mentionAll && env.isAdmin && /@all\b/.test(body);
    onSend({
      kind: 'chat',
      text: body,
      ...(replyTo ? { replyTo: replyTo.seq } : {}),
      ...(mentions.length ? { mentions } : {}),
      ...(all ? { mentionAll: true } : {}),
    });
    setText('');
    setMentioned([]);
    setMentionAll(false);
    setEmoji(false);
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const share = (target: ShareTarget, note: string) => onSend({ kind: 'share', target, ...(note ? { text: note } : {}) });

  if (env.readOnly) {
    return (
      <div className={cx(styles.composer, styles['composer-readonly'], 'muted', 'small')} data-testid="composer-readonly">
        {env.readOnly}
      </div>
    );
  }

  return (
    <div className={styles['composer-wrap']}>
      {sharing && (
        <ShareSheet handles={env.shareHandles} onShare={share} onClose={() => setSharing(false)} watchTogether={env.watchTogether} />
      )}
      {replyTo && (
        <div className={cx(styles['composer-reply'], 'small')} data-testid="composer-reply">
          <span>
            {t('chat.replyingTo', { name: replyTo.name })}: <span className="muted">{replyTo.text.slice(0, 60)}</span>
          </span>
          <button type="button" className={styles['link-btn']} onClick={onCancelReply} aria-label={t('chat.cancelReply')}>
            ✕
          </button>
        </div>
      )}
      {(suggestions.length > 0 ||
        (query !== undefined && env.isAdmin && env.kind === 'group' && 'all'.startsWith(query.toLowerCase()))) && (
        <ul className={styles['mention-list']} data-testid="mention-list">
          {env.isAdmin && query !== undefined && 'all'.startsWith(query.toLowerCase()) && (
            <li>
              <button type="button" onClick={() => insertMention('all', 'all')} data-testid="mention-all">
                <strong>@all</strong> <span className="muted small">{t('chat.mentionAll')}</span>
              </button>
            </li>
          )}
          {suggestions.map((s) => (
            <li key={s.id}>
              <button type="button" onClick={() => insertMention(s.name, s.id)} data-testid="mention-option">
                <strong>{s.name}</strong> <span className="muted small">@{s.handle}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {emoji && (
        <div className={styles['emoji-grid']} data-testid="emoji-grid">
          {EMOJI.map((e) => (
            <button key={e} type="button" onClick={() => (setText((s) => s + e), input.current?.focus())} data-testid="emoji">
              {e}
            </button>
          ))}
        </div>
      )}
      <form
        className={styles.composer}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <button
          type="button"
          className={styles['composer-icon']}
          onClick={() => setEmoji((v) => !v)}
          aria-label={t('chat.emoji')}
          aria-pressed={emoji}
          data-testid="composer-emoji"
        >
          ☺
        </button>
        <textarea
          ref={input}
          className={styles['composer-input']}
          rows={1}
          value={text}
          maxLength={2000}
          placeholder={t('chat.placeholder')}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) chat.typing();
          }}
          onKeyDown={onKey}
          aria-label={t('chat.placeholder')}
          data-testid="composer-input"
        />
        <button
          type="button"
          className={styles['composer-icon']}
          onClick={() => setSharing(true)}
          aria-label={t('chat.share')}
          data-testid="composer-share"
        >
          ＋
        </button>
        {env.tools}
        <button
          type="submit"
          className={cx('btn', 'btn-small', 'btn-primary', styles['composer-send'])}
          disabled={!text.trim()}
          data-testid="composer-send"
        >
          {t('chat.send')}
        </button>
      </form>
    </div>
  );
}
