import type { GroupRole } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { cx } from '../../lib/cx.ts';
import styles from './chat.module.css';

/** The fan level a member has with the creator (粉丝等级), next to their name. */
export function FanBadge({ level }: { level: number }) {
  const { t } = useI18n();
  const tier = level >= 20 ? 'gold' : level >= 10 ? 'purple' : level >= 5 ? 'blue' : 'grey';
  return (
    <span
      className={cx(styles['fan-badge'], styles[`fan-badge-${tier}`])}
      title={t('group.fanLevel', { level })}
      aria-label={t('group.fanLevel', { level })}
      data-testid="fan-badge"
      data-level={level}
    >
      ♥{level}
    </span>
  );
}

export function RoleTag({ role }: { role: GroupRole | undefined }) {
  const { t } = useI18n();
  if (role !== 'owner' && role !== 'admin') return null;
  return (
    <span className={cx(styles['role-tag'], styles[`role-${role}`])} data-testid="role-tag" data-role={role}>
      {role === 'owner' ? t('group.owner') : t('group.admin')}
    </span>
  );
}

const icon = {
  width: 14,
  height: 14,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2.2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

/** Drawn inline: emoji fonts are missing on some systems and show as empty boxes. */
export const PinIcon = () => (
  <svg {...icon} className={styles['chat-icon']} aria-hidden="true">
    <path d="M9 3h6l-1 6 4 4H6l4-4z" />
    <path d="M12 13v8" />
  </svg>
);

export const TicketIcon = () => (
  <svg {...icon} width={22} height={22} className={styles['chat-icon']} aria-hidden="true">
    <path d="M3 8a2 2 0 0 0 2-2h14a2 2 0 0 0 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 0-2 2H5a2 2 0 0 0-2-2v-2a2 2 0 0 0 0-4z" />
    <path d="M10 6v12" strokeDasharray="2 2" />
  </svg>
);
