import { useI18n } from '../../lib/i18n.tsx';
import { StreamVideo } from './CallView.tsx';
import { PrefsPicker } from './OptIn.tsx';
import styles from './MatchPage.module.css';

/** Waiting for someone: my camera preview and a way out. */
export function MatchWaiting({ local, onLeave }: { local: MediaStream | null; onLeave: () => void }) {
  const { t } = useI18n();
  return (
    <div className={`${styles.waiting} stack`} data-testid="match-waiting">
      <div className={styles.preview}>
        <StreamVideo stream={local} muted testId="match-preview-video" className={styles.previewVideo} />
      </div>
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        {t('match.waiting')}
      </p>
      <button type="button" className="btn btn-ghost" onClick={onLeave} data-testid="match-leave">
        {t('match.leave')}
      </button>
    </div>
  );
}

/** The lobby: interests and languages, then start. */
export function MatchLobby({
  interests,
  languages,
  onInterests,
  onLanguages,
  starting,
  ready,
  onStart,
}: {
  interests: string[];
  languages: string[];
  onInterests: (v: string[]) => void;
  onLanguages: (v: string[]) => void;
  starting: boolean;
  ready: boolean;
  onStart: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="stack" data-testid="match-lobby">
      <PrefsPicker interests={interests} languages={languages} onInterests={onInterests} onLanguages={onLanguages} testId="match" />
      <p className="muted small">{t('match.prefsHint')}</p>
      <button type="button" className="btn btn-primary btn-block" onClick={onStart} disabled={starting || !ready} data-testid="match-start">
        {starting ? t('match.starting') : t('match.start')}
      </button>
      {!ready && <p className="muted small">{t('match.connectingServer')}</p>}
    </div>
  );
}
