import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import type { ProductCard as ProductCardData, UserSummary } from '@tremolo/protocol';
import { FanBadge } from '../../components/chat/FanBadge.tsx';
import { ReportSheet } from '../../components/ReportSheet.tsx';
import { ProductCard } from '../../components/shop/index.ts';
import { useI18n } from '../../lib/i18n.tsx';
import type { ChatLine } from './useRoom.ts';
import styles from './RoomChat.module.css';

// The checkout's code loads only when someone buys.
const BuySheet = lazy(() => import('../shop/BuySheet.tsx'));

/** Beside the stage: the pinned product, the room's chat and a line to write in. */
export function RoomSide({
  roomId,
  pinned,
  chat,
  people,
  myId,
  onSend,
}: {
  roomId: string;
  myId: string;
  pinned: ProductCardData | null;
  chat: ChatLine[];
  people: Map<string, UserSummary>;
  /** Resolves once the line is sent (the draft is then cleared), rejects when it was not; null: not connected. */
  onSend: (text: string) => Promise<unknown> | null;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);
  const [buying, setBuying] = useState<string | null>(null);
  // The line whose menu is open, and the line being reported (by seq).
  const [menuFor, setMenuFor] = useState<number | null>(null);
  const [reporting, setReporting] = useState<number | null>(null);
  const via = useMemo(() => ({ surface: 'room' as const, surfaceId: roomId }), [roomId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    const sending = text ? onSend(text) : null;
    if (!sending) return;
    setSendError(null);
    sending.then(
      () => setDraft(''),
      () => setSendError(t('rooms.sendFailed')),
    );
  };

  return (
    <aside className={styles.side}>
      {pinned && (
        <div data-testid="room-pinned">
          <ProductCard card={pinned} via={via} size="compact" testId="room-product" onBuy={() => setBuying(pinned.id)} />
        </div>
      )}
      {buying && (
        <Suspense fallback={null}>
          <BuySheet productId={buying} via={via} onClose={() => setBuying(null)} />
        </Suspense>
      )}
      <div className={styles.chat}>
        <ul className={styles.chatList} data-testid="room-chat" aria-live="polite">
          {chat.length === 0 && <li className="muted small">{t('rooms.noChat')}</li>}
          {chat.map((c) => {
            const who = c.from ? people.get(c.from) : undefined;
            const seq = c.seq;
            // Someone else's stored line can be reported on its own (a pending one has no seq yet).
            const reportable = seq !== null && c.from !== null && c.from !== myId;
            return (
              <li key={c.key} className={styles.line} data-testid="room-chat-line">
                <span className={styles.lineText}>
                  {c.fanLevel ? <FanBadge level={c.fanLevel} /> : null} <strong>{who?.displayName ?? '…'}</strong> {c.text}
                </span>
                {reportable && (
                  <button
                    type="button"
                    className={`btn btn-small btn-ghost ${styles.more}`}
                    onClick={() => setMenuFor((s) => (s === seq ? null : seq))}
                    aria-expanded={menuFor === seq}
                    aria-label={t('chat.more')}
                    data-testid="room-chat-more"
                  >
                    ⋯
                  </button>
                )}
                {reportable && menuFor === seq && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => (setReporting(seq), setMenuFor(null))}
                    data-testid="room-chat-report"
                  >
                    {t('report.action')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {reporting !== null && <ReportSheet surface="room" targetId={roomId} seq={reporting} onClose={() => setReporting(null)} />}
        <form className={styles.chatForm} onSubmit={submit}>
          <input
            value={draft}
            maxLength={500}
            placeholder={t('rooms.chatPlaceholder')}
            aria-label={t('rooms.chatPlaceholder')}
            onChange={(e) => setDraft(e.currentTarget.value)}
            data-testid="room-chat-input"
          />
          <button type="submit" className="btn btn-small btn-primary" disabled={!draft.trim()} data-testid="room-chat-send">
            {t('rooms.send')}
          </button>
        </form>
        {sendError && (
          <p className="small error" role="alert" data-testid="room-chat-error">
            {sendError}
          </p>
        )}
      </div>
    </aside>
  );
}
