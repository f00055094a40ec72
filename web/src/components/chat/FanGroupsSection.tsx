import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { CardSection } from '@tremolo/protocol';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { FanBadge } from './FanBadge.tsx';
import { JoinBlockedNote } from './JoinBlocked.tsx';
import styles from './chat.module.css';
import { cx } from '../../lib/cx.ts';

type Section = Extract<CardSection, { kind: 'fan_groups' }>;
type CardGroup = Section['groups'][number];

/** Whose card the sections are on, for sections that act on the owner (follow to join a fan group). */
export interface CardOwner {
  handle: string;
  displayName: string;
}

/** The creator's fan groups (粉丝群) on their card, each with the way in. */
export function FanGroupsSection({ section, owner }: { section: Section; owner: CardOwner }) {
  const { t } = useI18n();
  if (section.groups.length === 0) return <></>;
  const level = section.fanLevel ?? null;
  return (
    <section className="card-section" data-testid="card-section-fan-groups">
      <h2 className={cx('section-title', styles['fan-groups-title'])}>
        {t('group.cardTitle')}
        {level !== null && (
          // My own standing with this creator, the level their groups and coupons ask for.
          <span className={cx('small', styles['my-level'])} data-testid="card-my-fan-level" data-level={level}>
            {t('group.yourLevel', { level })} <FanBadge level={level} />
          </span>
        )}
      </h2>
      <ul className={styles['fan-groups']}>
        {section.groups.map((g) => (
          <FanGroupRow key={g.id} group={g} owner={owner} myLevel={level} />
        ))}
      </ul>
    </section>
  );
}

function FanGroupRow({ group, owner, myLevel }: { group: CardGroup; owner: CardOwner; myLevel: number | null }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [status, setStatus] = useState(group.status);
  const joining = useApiMutation(api.groups.join, {
    invalidates: [api.groups.mine, api.groups.get, api.cards.card],
    onSuccess: (r) => {
      setStatus(r.status);
      if (r.status === 'member') void navigate(`/g/${group.id}`);
    },
  });
  const busy = joining.isPending;
  const error = joining.error;
  const full = group.members >= group.capacity;
  // What stops me, said as what to do; "full" and "banned" already have their own pill.
  const block = status === 'none' && me && group.joinBlocked && group.joinBlocked !== 'full' ? group.joinBlocked : null;

  const join = () => {
    if (!me) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    joining.mutate({ params: { id: group.id }, body: {} });
  };

  return (
    <li className={styles['fan-group']} data-testid="card-fan-group" data-group={group.id} data-status={status}>
      <Link to={`/g/${group.id}`} className={styles['fan-group-text']}>
        <strong className={styles['fan-group-name']}>{group.name}</strong>
        <span className="muted small">
          {group.joinRule === 'fan_level'
            ? group.minFanLevel
              ? t('group.rule.fan_level', { level: group.minFanLevel })
              : t('group.rule.fanLevelAny')
            : t(`group.rule.${group.joinRule}`, { level: '' })}{' '}
          · {t('group.capacity', { members: group.members, capacity: group.capacity })}
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
          !block &&
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
      {block && (
        <div className={styles['fan-group-note']}>
          <JoinBlockedNote code={block} owner={owner} minFanLevel={group.minFanLevel ?? null} myLevel={myLevel} />
        </div>
      )}
      {error !== null && (
        <p className={cx(styles['fan-group-error'], 'small')} role="alert" data-testid="card-group-error">
          {errorText(error, { forbidden: 'group.joinRefused' })}
        </p>
      )}
    </li>
  );
}
