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
export function UpdatePrompt() {
  const { t } = useI18n();
  const [waiting, setWaiting] = useState<Workbox | null>(null);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    let cancelled = false;
    void import('workbox-window').then(({ Workbox }) => {
      if (cancelled) return;
      const wb = new Workbox('/sw.js', { scope: '/', type: 'classic' });
      wb.addEventListener('waiting', () => setWaiting(wb));
      // The new version took over (this tab asked, or another one did): load it.
      wb.addEventListener('controlling', (e) => {
        if (e.isUpdate) location.reload();
      });
      void wb.register().catch((err: unknown) => console.warn('service worker not registered', err));
    });
    return () => {
      cancelled = true;
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
