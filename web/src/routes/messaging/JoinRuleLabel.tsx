import type { JoinRule } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';

export function JoinRuleLabel({ rule, level }: { rule: JoinRule; level: number | null }) {
  const { t } = useI18n();
  return <span data-testid="join-rule">{t(`group.rule.${rule}`, { level: level ?? 1 })}</span>;
}
