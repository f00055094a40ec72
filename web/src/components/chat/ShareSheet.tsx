import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { api as endpoints, type ProductCard, type ShareTarget, type Video as VideoT } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatPriceRange } from '../../lib/money.ts';
import { keyOf } from '../../lib/queries.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import { useInviteErrorText } from '../watch/inviteError.ts';
import styles from './chat.module.css';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Reads a pasted product, video or watch link (full URL or path). */
function parseShareLink(raw: string): ShareTarget | null {
  const s = raw.trim();
  const m = new RegExp(`(?:^|/)(p|v|videos|watch|w)/(${UUID})(?:[/?#]|$)`, 'i').exec(s);
  if (!m) return null;
  const kind = m[1]!.toLowerCase();
  const id = m[2]!.toLowerCase();
  if (kind === 'p') return { type: 'product', id };
  if (kind === 'watch' || kind === 'w') return { type: 'watch', id };
  return { type: 'video', id };
}

export interface WatchTogether {
  /** Open the sheet on its "Watch together" tab. */
  openAtStart: boolean;
  /** Starts a party with this video and invites the chat to it; rejects with what went wrong. */
  onStart: (videoId: string) => Promise<void>;
}

/**
 * Picks something to share: products and videos of the people in the chat, or a pasted link.
 * With `watchTogether`, a second tab picks one of those videos to watch together instead.
 */
export function ShareSheet({
  handles,
  onShare,
  onClose,
  watchTogether,
}: {
  handles: string[];
  onShare: (target: ShareTarget, text: string) => void;
  onClose: () => void;
  watchTogether?: WatchTogether | undefined;
}) {
  const { t, lang } = useI18n();
  const inviteErrorText = useInviteErrorText();
  const [mode, setMode] = useState<'share' | 'watch'>(watchTogether?.openAtStart ? 'watch' : 'share');
  const [starting, setStarting] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [link, setLink] = useState('');
  const [linkError, setLinkError] = useState(false);
  const [text, setText] = useState('');
  const people = handles.filter(Boolean);
  const byPerson = (h: string) => ({ params: { handle: h }, query: { limit: 12 } });
  // A person without a shop simply has no products to offer.
  const productQueries = useQueries({
    queries: people.map((h) => ({
      queryKey: keyOf(endpoints.shop.sellerProducts, byPerson(h)),
      queryFn: () => call(endpoints.shop.sellerProducts, byPerson(h)),
      retry: false,
    })),
  });
  const videoQueries = useQueries({
    queries: people.map((h) => ({
      queryKey: keyOf(endpoints.videos.byAuthor, byPerson(h)),
      queryFn: () => call(endpoints.videos.byAuthor, byPerson(h)),
    })),
  });
  const loading = [...productQueries, ...videoQueries].some((q) => q.isPending && q.fetchStatus !== 'idle');
  const error = videoQueries.find((q) => q.error)?.error ?? null;
  const products: ProductCard[] = loading || error ? [] : productQueries.flatMap((q) => q.data?.items ?? []);
  const videos: VideoT[] = loading || error ? [] : videoQueries.flatMap((q) => q.data?.items ?? []).filter((v) => v.status === 'ready');

  const share = (target: ShareTarget) => {
    onShare(target, text.trim());
    onClose();
  };
  const startWatch = (videoId: string) => {
    if (!watchTogether || starting) return;
    setStarting(videoId);
    setStartError(null);
    watchTogether.onStart(videoId).then(
      () => setStarting(null),
      (e: unknown) => {
        setStarting(null);
        setStartError(inviteErrorText(e));
      },
    );
  };

  if (watchTogether && mode === 'watch') {
    return (
      <div className={styles.sheet} role="dialog" aria-label={t('watch.title')} data-testid="share-sheet" data-mode="watch">
        <SheetHead mode={mode} onMode={setMode} onClose={onClose} withWatch />
        <p className="muted small">{t('watch.pickLead')}</p>
        {loading && <Loading />}
        {error !== null && <ErrorMessage error={error} />}
        {startError !== null && (
          <p className="field-problem" role="alert" data-testid="watch-start-error">
            {startError}
          </p>
        )}
        {videos.length > 0 && (
          <ul className={styles['share-pick']}>
            {videos.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className={styles['share-pick-item']}
                  onClick={() => startWatch(v.id)}
                  disabled={starting !== null}
                  aria-busy={starting === v.id}
                  data-testid="watch-pick-video"
                >
                  {v.posterUrl ? (
                    <img src={v.posterUrl} alt="" loading="lazy" />
                  ) : (
                    <span className="product-placeholder" aria-hidden="true" />
                  )}
                  <span className={styles['share-pick-title']}>{v.caption || `@${v.author.handle}`}</span>
                  {starting === v.id && <span className="muted small">{t('watch.starting')}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        {!loading && error === null && videos.length === 0 && <p className="muted small">{t('watch.pickEmpty')}</p>}
      </div>
    );
  }

  return (
    <div className={styles.sheet} role="dialog" aria-label={t('share.title')} data-testid="share-sheet">
      <SheetHead mode={mode} onMode={setMode} onClose={onClose} withWatch={!!watchTogether} />
      <input
        className={styles.input}
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={500}
        placeholder={t('share.addText')}
        data-testid="share-text"
      />
      {loading && <Loading />}
      {error !== null && <ErrorMessage error={error} />}
      {products.length > 0 && (
        <>
          <h3 className={styles['sheet-subtitle']}>{t('share.products')}</h3>
          <ul className={styles['share-pick']}>
            {products.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className={styles['share-pick-item']}
                  onClick={() => share({ type: 'product', id: p.id })}
                  data-testid="share-pick-product"
                >
                  {p.imageUrl ? (
                    <img src={p.imageUrl} alt="" loading="lazy" />
                  ) : (
                    <span className="product-placeholder" aria-hidden="true" />
                  )}
                  <span className={styles['share-pick-title']}>{p.title}</span>
                  <span className="product-price small">{formatPriceRange(p.price.min, p.price.max, p.price.currency, lang)}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {videos.length > 0 && (
        <>
          <h3 className={styles['sheet-subtitle']}>{t('share.videos')}</h3>
          <ul className={styles['share-pick']}>
            {videos.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className={styles['share-pick-item']}
                  onClick={() => share({ type: 'video', id: v.id })}
                  data-testid="share-pick-video"
                >
                  {v.posterUrl ? (
                    <img src={v.posterUrl} alt="" loading="lazy" />
                  ) : (
                    <span className="product-placeholder" aria-hidden="true" />
                  )}
                  <span className={styles['share-pick-title']}>{v.caption || `@${v.author.handle}`}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {!loading && error === null && products.length === 0 && videos.length === 0 && <p className="muted small">{t('share.empty')}</p>}
      <form
        className={styles['share-link']}
        onSubmit={(e) => {
          e.preventDefault();
          const target = parseShareLink(link);
          if (!target) return setLinkError(true);
          share(target);
        }}
      >
        <label className="small muted" htmlFor="share-link-input">
          {t('share.link')}
        </label>
        <div className={styles['share-link-row']}>
          <input
            id="share-link-input"
            className={styles.input}
            value={link}
            onChange={(e) => {
              setLink(e.target.value);
              setLinkError(false);
            }}
            placeholder={t('share.linkPlaceholder')}
            data-testid="share-link"
          />
          <button type="submit" className="btn btn-small btn-primary" disabled={!link.trim()} data-testid="share-link-send">
            {t('share.send')}
          </button>
        </div>
        {linkError && (
          <p className="field-problem" role="alert">
            {t('share.linkInvalid')}
          </p>
        )}
      </form>
    </div>
  );
}

/** The sheet's title, or its two tabs (share / watch together) where a chat offers both. */
function SheetHead({
  mode,
  onMode,
  onClose,
  withWatch,
}: {
  mode: 'share' | 'watch';
  onMode: (m: 'share' | 'watch') => void;
  onClose: () => void;
  withWatch: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className={styles['sheet-head']}>
      {withWatch ? (
        <div className={styles['sheet-tabs']} role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'share'}
            className={mode === 'share' ? styles['sheet-tab-on'] : styles['sheet-tab']}
            onClick={() => onMode('share')}
            data-testid="share-tab-share"
          >
            {t('share.tab')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'watch'}
            className={mode === 'watch' ? styles['sheet-tab-on'] : styles['sheet-tab']}
            onClick={() => onMode('watch')}
            data-testid="share-tab-watch"
          >
            ▶ {t('watch.title')}
          </button>
        </div>
      ) : (
        <strong>{t('share.title')}</strong>
      )}
      <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid="share-close">
        {t('chat.close')}
      </button>
    </div>
  );
}
