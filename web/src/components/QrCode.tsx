import { useEffect, useState } from 'react';
import { useI18n } from '../lib/i18n.tsx';
import styles from './QrCode.module.css';

/**
 * The QR code of a URL as an <img>. Dark modules on white with a quiet zone, whatever the theme,
 * because that is what phone cameras decode reliably.
 */
export function QrCode({ value, size = 176, testId }: { value: string; size?: number; testId?: string }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    // SVG stays crisp at whatever size CSS gives it, and in the saved PNG at any pixel ratio.
    import('qrcode')
      .then(({ default: QRCode }) =>
        QRCode.toString(value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } }),
      )
      .then((svg) => !cancelled && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [value, size]);

  if (failed) return <p className="muted">{t('card.qrFailed')}</p>;
  if (!src) return <div className={styles['qr-placeholder']} style={{ width: size, height: size }} />;
  return <img className={styles.qr} src={src} width={size} height={size} alt={t('card.qrAlt', { url: value })} data-testid={testId} />;
}
