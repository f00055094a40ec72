import type { GroupRole } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';

/** The fan level a member has with the creator (粉丝等级), next to their name. */
export function FanBadge({ level }: { level: number }) {
  const { t } = useI18n();
  const tier = level >= 20 ? 'gold' : level >= 10 ? 'purple' : level >= 5 ? 'blue' : 'grey';
  return (
    <span className={`fan-badge fan-badge-${tier}`} title={t('group.fanLevel', { level })} aria-label={t('group.fanLevel', { level })} data-testid="fan-badge" data-level={level}>
      ♥{level}
    </span>
  );
}

export function RoleTag({ role }: { role: GroupRole | undefined }) {
  const { t } = useI18n();
  if (role !== 'owner' && role !== 'admin') return null;
  return (
    <span className={`role-tag role-${role}`} data-testid="role-tag" data-role={role}>
      {role === 'owner' ? t('group.owner') : t('group.admin')}
    </span>
  );
}
