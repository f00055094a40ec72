import { useI18n, type Lang } from '../lib/i18n.tsx';
import styles from './LanguageSwitch.module.css';

const LABELS: Record<Lang, string> = { 'zh-CN': '中文', en: 'EN' };

/** Two fixed labels, each in its own language, so the switch is findable whatever is showing. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className={styles['lang-switch']} role="group" aria-label={t('settings.language')} data-testid="lang-switch">
      {(Object.keys(LABELS) as Lang[]).map((l) => (
        <button
          key={l}
          type="button"
          className={l === lang ? 'active' : ''}
          aria-pressed={l === lang}
          onClick={() => setLang(l)}
          data-testid={`lang-${l}`}
          lang={l}
        >
          {LABELS[l]}
        </button>
      ))}
    </div>
  );
}
