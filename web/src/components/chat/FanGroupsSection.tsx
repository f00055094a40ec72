import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api, type CardSection } from '@tremolo/protocol';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import styles from './chat.module.css';
import { cx } from '../../lib/cx.ts';

type Section = Extract<CardSection, { kind: 'fan_groups' }>;
type CardGroup = Section['groups'][number];

/** The creator's fan groups (粉丝群) on their card, each with the way in. */
export function FanGroupsSection({ section }: { section: Section }) {
  const { t } = useI18n();
  if (section.groups.length === 0) return <></>;
  return (
    <section className="card-section" data-testid="card-section-fan-groups">
      <h2 className="section-title">{t('group.cardTitle')}</h2>
      <ul className={styles['fan-groups']}>
        {section.groups.map((g) => (
          <FanGroupRow key={g.id} group={g} />
        ))}
      </ul>
    </section>
  );
}

function FanGroupRow({ group }: { group: CardGroup }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [status, setStatus] = useState(group.status);
  const joining = useApiMutation(api.groups.join, {
    invalidates: [api.groups.mine, api.groups.get],
    onSuccess: (r) => {
      setStatus(r.status);
      if (r.status === 'member') void navigate(`/g/${group.id}`);
    },
  });
  const busy = joining.isPending;
  const error = joining.error;
  const full = group.members >= group.capacity;

  const join = () => {
    if (!me) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    joining.mutate({ params: { id: group.id }, body: {} });
  };

  return (
    <li className={styles['fan-group']} data-testid="card-fan-group" data-group={group.id} data-status={status}>
      <Link to={`/g/${group.id}`} className={styles['fan-group-text']}>
        <strong className={styles['fan-group-name']}>{group.name}</strong>
        <span className="muted small">
          {group.joinRule === 'fan_level' ? t('group.rule.fanLevelAny') : t(`group.rule.${group.joinRule}`, { level: '' })} ·{' '}
          {t('group.capacity', { members: group.members, capacity: group.capacity })}
        </span>
      </Link>
      <span className={cx(styles['fan-group-action'], 'no-capture')}>
        {status === 'member' && (
          <Link to={`/g/${group.id}`} className="btn btn-small btn-ghost" data-testid="card-group-open">
            {t('group.open')}
          </Link>
        )}
        {status === 'pending' && (
          <span className="pill" data-testid="card-group-pending">
            {t('group.pending')}
          </span>
        )}
        {status === 'banned' && <span className="pill">{t('group.banned')}</span>}
        {status === 'none' &&
          (full ? (
            <span className="pill">{t('group.full')}</span>
          ) : group.joinRule === 'invite' ? (
            <Link to={`/g/${group.id}`} className="btn btn-small btn-ghost">
              {t('group.rule.invite')}
            </Link>
          ) : (
            <button type="button" className="btn btn-small btn-primary" onClick={join} disabled={busy} data-testid="card-group-join">
              {busy ? t('group.joining') : group.joinRule === 'approval' ? t('group.askToJoin') : t('group.join')}
            </button>
          ))}
      </span>
      {error !== null && (
        <p className={cx(styles['fan-group-error'], 'small')} role="alert" data-testid="card-group-error">
          {errorText(error)}
        </p>
      )}
    </li>
  );
}
