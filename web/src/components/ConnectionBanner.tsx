import { useEffect, useState } from 'react';
import type { RealtimeStatus } from '../lib/realtime.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.tsx';
import styles from './ConnectionBanner.module.css';
import { cx } from '../lib/cx.ts';

/** Tells the person when live updates are paused; short blips stay silent. */
export function ConnectionBanner() {
  const { realtime } = useSession();
  const { t } = useI18n();
  const [status, setStatus] = useState<RealtimeStatus>('closed');
  const [show, setShow] = useState(false);

  useEffect(() => {
    if (!realtime) {
      setStatus('closed');
      return;
    }
    return realtime.onStatus(setStatus);
  }, [realtime]);

  useEffect(() => {
    if (status === 'outdated' || status === 'signedOut' || status === 'displaced') return setShow(true);
    if (status !== 'reconnecting') return setShow(false);
    const timer = setTimeout(() => setShow(true), 2000);
    return () => clearTimeout(timer);
  }, [status]);

  if (!show) return null;
  if (status === 'outdated') {
    return (
      <div className={cx(styles.banner, styles['banner-warn'])} role="status" data-testid="realtime-outdated">
        {t('realtime.outdated')}
        <button type="button" className="btn btn-small" onClick={() => location.reload()}>
          {t('common.reload')}
        </button>
      </div>
    );
  }
  if (status === 'displaced') {
    return (
      <div className={cx(styles.banner, styles['banner-warn'])} role="status" data-testid="realtime-displaced">
        {t('realtime.displaced')}
        <button type="button" className="btn btn-small" onClick={() => realtime?.resume()}>
          {t('realtime.resume')}
        </button>
      </div>
    );
  }
  if (status === 'signedOut') {
    return (
      <div className={cx(styles.banner, styles['banner-warn'])} role="status" data-testid="realtime-signed-out">
        {t('realtime.signedOut')}
        <button type="button" className="btn btn-small" onClick={() => location.assign('/login')}>
          {t('auth.loginTitle')}
        </button>
      </div>
    );
  }
  return (
    <div className={styles.banner} role="status" data-testid="realtime-reconnecting">
      <span className="spinner" aria-hidden="true" />
      {t('realtime.reconnecting')}
    </div>
  );
}
