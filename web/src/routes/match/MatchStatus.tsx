import { Link } from 'react-router-dom';
import { useI18n } from '../../lib/i18n.tsx';
import type { MediaProblem } from './rtc.ts';
import styles from './MatchPage.module.css';

/** Why the camera could not be opened. */
export function CameraProblem({ problem }: { problem: MediaProblem }) {
  const { t } = useI18n();
  return (
    <div className="error-box" role="alert" data-testid="match-camera-error">
      <span>{t(`match.camera.${problem}`)}</span>
    </div>
  );
}

/** Banned from 连线 and shake. */
export function Banned() {
  const { t } = useI18n();
  return (
    <section className={`stack ${styles.page}`} data-testid="match-banned">
      <header className="page-head">
        <h1>{t('match.bannedTitle')}</h1>
      </header>
      <p className="error-box" role="alert">
        {t('match.banned')}
      </p>
      <Link to="/" className="btn btn-ghost">
        {t('match.backHome')}
      </Link>
    </section>
  );
}
