import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import * as api from '@tremolo/protocol/api';
import type { ShareTarget } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { ErrorMessage, Loading } from '../Status.tsx';
import { useInviteErrorText } from '../watch/inviteError.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiPages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { useRequireLogin } from './AuthPrompt.tsx';
import { downloadBlob, drawCardImage } from './cardImage.ts';
import { useSendShare } from './sendShare.ts';
import styles from './sheet.module.css';

export interface Shareable {
  target: ShareTarget;
  /** The page's path in this app (`/v/<id>`, `/u/<handle>`, …). */
  path: string;
  title: string;
  subtitle: string;
  image: string | null;
}

type Outcome = { state: 'idle' } | { state: 'sending' } | { state: 'done'; sent: number; failed: { name: string; why: string }[] };

/**
 * One share sheet for every kind of thing: pick friends and send it into each DM as a card,
 * copy the link, or save a picture of it. What the receiver may open is decided again on their
 * side (the card shows "no longer available" otherwise).
 */
export function ShareSheet({ item, onClose }: { item: Shareable; onClose: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const requireLogin = useRequireLogin();
  const send = useSendShare();
  const errorText = useInviteErrorText();
  const url = `${location.origin}${item.path}`;
  const pages = useApiPages(api.graph.friends, { params: { handle: me?.handle ?? '' }, query: { limit: 50 } }, { enabled: !!me });
  const friends = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.items), [pages.data]);
  const [picked, setPicked] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const [notice, setNotice] = useState<string | null>(null);
  const [drawing, setDrawing] = useState(false);

  const toggle = (handle: string) => {
    setOutcome({ state: 'idle' });
    setPicked((p) => (p.includes(handle) ? p.filter((h) => h !== handle) : [...p, handle]));
  };

  const sendAll = async () => {
    if (picked.length === 0 || outcome.state === 'sending') return;
    setOutcome({ state: 'sending' });
    const results = await Promise.allSettled(picked.map((h) => send(h, item.target, note.trim() || undefined)));
    const failed = results.flatMap((r, i) => {
      if (r.status === 'fulfilled') return [];
      const f = friends.find((u) => u.handle === picked[i]);
      return [{ name: f?.displayName ?? picked[i]!, why: errorText(r.reason) }];
    });
    setOutcome({ state: 'done', sent: results.length - failed.length, failed });
    // Those it reached are done; those it did not stay picked for another try.
    setPicked((p) => p.filter((_, i) => results[i]?.status === 'rejected'));
    if (failed.length === 0) setNote('');
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setNotice(t('sheet.copied'));
    } catch {
      setNotice(t('sheet.copyFailed', { url }));
    }
  };

  const saveImage = async () => {
    setDrawing(true);
    setNotice(null);
    try {
      const blob = await drawCardImage({
        title: item.title,
        subtitle: item.subtitle,
        image: item.image,
        url,
        footer: t('sheet.imageFooter'),
      });
      downloadBlob(blob, `tremolo-${item.target.type}-${'id' in item.target ? item.target.id.slice(0, 8) : item.target.handle}.png`);
      setNotice(t('sheet.imageSaved'));
    } catch {
      setNotice(t('sheet.imageFailed'));
    } finally {
      setDrawing(false);
    }
  };

  // On <body>: a page's scroller or transform must not clip or move the sheet.
  return createPortal(
    <div
      className={styles.backdrop}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      role="presentation"
    >
      <section
        className={styles.sheet}
        role="dialog"
        aria-modal="true"
        aria-label={t('sheet.title')}
        data-testid="share-to-sheet"
        data-type={item.target.type}
      >
        <div className={styles.head}>
          <strong>{t('sheet.title')}</strong>
          <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid="share-to-close">
            {t('sheet.close')}
          </button>
        </div>
        <div className={styles.what}>
          {item.image ? <img src={item.image} alt="" /> : <span className={styles.blank} aria-hidden="true" />}
          <span>
            <strong>{item.title}</strong>
            <br />
            <span className="muted small">{item.subtitle}</span>
          </span>
        </div>

        <h3 className="small muted">{t('sheet.toFriends')}</h3>
        {!me ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => requireLogin({ reason: { kind: 'other' } })}
            data-testid="share-to-login"
          >
            {t('sheet.loginToSend')}
          </button>
        ) : pages.isPending ? (
          <Loading />
        ) : pages.error ? (
          <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} />
        ) : friends.length === 0 ? (
          <p className="muted small">{t('sheet.noFriends')}</p>
        ) : (
          <>
            <ul className={styles.friends}>
              {friends.map((u) => (
                <li key={u.id}>
                  <button
                    type="button"
                    className={styles.friend}
                    aria-pressed={picked.includes(u.handle)}
                    aria-label={t('sheet.select', { name: u.displayName })}
                    onClick={() => toggle(u.handle)}
                    data-testid="share-to-friend"
                    data-handle={u.handle}
                  >
                    <span className={styles.check}>
                      <Avatar user={u} size={44} />
                    </span>
                    <span>{u.displayName}</span>
                  </button>
                </li>
              ))}
            </ul>
            <div className={styles.row}>
              <input
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={500}
                placeholder={t('sheet.note')}
                aria-label={t('sheet.note')}
                data-testid="share-to-note"
              />
              <button
                type="button"
                className="btn btn-primary"
                disabled={picked.length === 0 || outcome.state === 'sending'}
                onClick={() => void sendAll()}
                data-testid="share-to-send"
              >
                {outcome.state === 'sending'
                  ? t('sheet.sending')
                  : picked.length > 0
                    ? t('sheet.sendTo', { count: picked.length })
                    : t('sheet.send')}
              </button>
            </div>
            {outcome.state === 'done' && outcome.sent > 0 && (
              <p className={`${styles.status} small`} role="status" data-testid="share-to-sent">
                {t('sheet.sent', { count: outcome.sent })}
              </p>
            )}
            {outcome.state === 'done' &&
              outcome.failed.map((f) => (
                <p key={f.name} className={`${styles.status} field-problem small`} role="alert" data-testid="share-to-failed">
                  {t('sheet.failed', { name: f.name, why: f.why })}
                </p>
              ))}
          </>
        )}

        <div className={styles.actions}>
          <button type="button" className="btn btn-ghost" onClick={() => void copy()} data-testid="share-to-copy">
            {t('sheet.copyLink')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => void saveImage()} disabled={drawing} data-testid="share-to-image">
            {drawing ? t('sheet.savingImage') : t('sheet.saveImage')}
          </button>
        </div>
        {notice && (
          <p className={`${styles.status} small muted`} role="status" data-testid="share-to-notice">
            {notice}
          </p>
        )}
      </section>
    </div>,
    document.body,
  );
}
