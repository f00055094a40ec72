import { useI18n } from '../../lib/i18n.tsx';
import type { Motion } from './useShakeMotion.ts';
import styles from './ShakePage.module.css';

/** A phone held in the hand (coarse pointer) can be shaken; a desktop with a mouse cannot. */
export function hasShakeSensor(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/** The big shake button, "looking" while a shake waits for a partner, and the motion sensor's state. */
export function ShakeZone({
  looking,
  ready,
  motion,
  onShake,
  onAskMotion,
}: {
  looking: boolean;
  ready: boolean;
  motion: Motion;
  onShake: () => void;
  onAskMotion: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={styles.zone}>
      <button
        type="button"
        className={`${styles.button}${looking ? ` ${styles.shaking}` : ''}`}
        onClick={onShake}
        disabled={!ready || looking}
        data-testid="shake-button"
      >
        <span aria-hidden="true">📳</span>
        <span>{looking ? t('shake.looking') : t('shake.press')}</span>
      </button>
      {looking && (
        <p className="loading" role="status" data-testid="shake-looking">
          <span className="spinner" aria-hidden="true" />
          {t('shake.looking')}
        </p>
      )}
      {motion === 'needsPermission' && (
        <button type="button" className="btn btn-ghost" onClick={onAskMotion} data-testid="shake-enable-motion">
          {t('shake.enableMotion')}
        </button>
      )}
      {motion === 'denied' && <p className="muted small">{t('shake.motionDenied')}</p>}
      {motion === 'listening' && <p className="muted small">{t(hasShakeSensor() ? 'shake.hint' : 'shake.hintDesktop')}</p>}
    </div>
  );
}
