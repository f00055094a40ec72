import { useEffect, useState } from 'react';
import type { Workbox } from 'workbox-window';
import { useI18n } from '../lib/i18n.tsx';
import { cx } from '../lib/cx.ts';
import styles from './ConnectionBanner.module.css';

/**
 * Registers the service worker (built apps only) and, when a new version has been installed
 * behind the running one, asks the person before switching: a reload mid-video or mid-checkout
 * is theirs to choose.
 */
/** Past this, the service worker registers even if no video has played (none on this screen, or a broken one). */
const FIRST_SCREEN_GRACE_MS = 5000;

/**
 * Resolves once the page has loaded and its first video plays (or the grace time has passed),
 * then at the browser's next idle moment. The service worker's install downloads the whole app
 * (every screen and both languages, megabytes): on a phone network that must not share the link
 * with the first screen's clip, nor its own script with the first download.
 */
function firstScreenSettled(): Promise<void> {
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve();
    else addEventListener('load', () => resolve(), { once: true });
  });
  const playing = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      document.removeEventListener('playing', done, true);
      resolve();
    };
    const timer = setTimeout(done, FIRST_SCREEN_GRACE_MS);
    // Media events do not bubble: listened for in the capture phase.
    document.addEventListener('playing', done, true);
  });
  return Promise.all([loaded, playing]).then(
    () =>
      new Promise<void>((resolve) => {
        if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 2000 });
        else setTimeout(resolve, 0);
      }),
  );
}

export function UpdatePrompt() {
  const { t } = useI18n();
  const [waiting, setWaiting] = useState<Workbox | null>(null);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const register = async (attempt: number): Promise<void> => {
      if (cancelled) return;
      let Workbox: typeof import('workbox-window').Workbox;
      try {
        ({ Workbox } = await import('workbox-window'));
      } catch (err) {
        // The server is unreachable (offline, a restart): the registration waits for it rather
        // than failing for good; the page itself goes on working.
        console.warn('service worker registration postponed', err);
        retry = setTimeout(() => void register(attempt + 1), Math.min(60_000, 5_000 * 2 ** attempt));
        return;
      }
      if (cancelled) return;
      const wb = new Workbox('/sw.js', { scope: '/', type: 'classic' });
      wb.addEventListener('waiting', () => setWaiting(wb));
      // The new version took over (this tab asked, or another one did): load it.
      wb.addEventListener('controlling', (e) => {
        if (e.isUpdate) location.reload();
      });
      void wb.register().catch((err: unknown) => console.warn('service worker not registered', err));
    };
    void firstScreenSettled().then(() => register(0));
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, []);

  if (!waiting) return null;
  return (
    <div className={cx(styles.banner)} role="status" data-testid="update-prompt">
      {t('pwa.updateReady')}
      <button type="button" className="btn btn-small" onClick={() => waiting.messageSkipWaiting()} data-testid="update-reload">
        {t('pwa.update')}
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setWaiting(null)}>
        {t('pwa.later')}
      </button>
    </div>
  );
}
