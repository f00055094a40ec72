import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { UserSummary } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import styles from './invite.module.css';

/**
 * What a logged-out visitor sees on a party or room link: what they were invited to, by whom,
 * and sign-up / log-in buttons that bring them back to this very link (where they join).
 */
export function InvitePreview({
  heading,
  title,
  image,
  host,
  status,
  testId,
}: {
  heading: string;
  title: string | null;
  image: string | null;
  host: UserSummary | null;
  status: ReactNode;
  testId: string;
}) {
  const { t } = useI18n();
  const location = useLocation();
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <section className={styles.invite} data-testid={testId}>
      <div className={styles.poster}>
        {image ? <img src={image} alt="" /> : <span className={styles.blank} aria-hidden="true" />}
        <span className={styles.play} aria-hidden="true">
          ▶
        </span>
      </div>
      <h1 className={styles.heading} data-testid="invite-heading">
        {heading}
      </h1>
      {title && (
        <p className={styles.title} data-testid="invite-title">
          {title}
        </p>
      )}
      {host && (
        <p className={styles.host} data-testid="invite-host">
          <Avatar user={host} size={32} />
          <span>
            {host.displayName} <span className="muted">@{host.handle}</span>
          </span>
        </p>
      )}
      {status && <p className="muted small">{status}</p>}
      <p className="muted">{t('visitor.joinLead')}</p>
      <div className={styles.buttons}>
        <Link to={`/signup?next=${next}`} className="btn btn-primary btn-block" data-testid="invite-signup">
          {t('visitor.signup')}
        </Link>
        <Link to={`/login?next=${next}`} className="btn btn-ghost btn-block" data-testid="invite-login">
          {t('visitor.login')}
        </Link>
      </div>
    </section>
  );
}
