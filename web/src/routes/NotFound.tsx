import { Link } from 'react-router-dom';
import { useI18n } from '../lib/i18n.tsx';
import styles from './NotFound.module.css';

export function NotFound() {
  const { t } = useI18n();
  return (
    <section className={styles['coming-soon']} data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p className="muted">{t('notFound.body')}</p>
      <Link to="/" className="btn btn-primary">
        {t('notFound.home')}
      </Link>
    </section>
  );
}
