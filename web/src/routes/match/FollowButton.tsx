import * as api from '@tremolo/protocol/api';
import type { Relationship } from '@tremolo/protocol';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';

/** Follow from a call or a shake card; following back makes a friend. */
export function FollowButton({
  handle,
  relationship,
  onChange,
  className = 'btn btn-small',
}: {
  handle: string;
  relationship: Relationship | null;
  onChange: (r: Relationship) => void;
  className?: string;
}) {
  const { t } = useI18n();
  const following = useApiMutation(api.graph.follow, {
    invalidates: [api.graph.followers, api.graph.following, api.graph.friends],
    onSuccess: (res) => onChange(res.relationship),
  });
  const busy = following.isPending;
  const error = following.error;
  const r = relationship;
  if (r?.blocking || r?.blockedBy) return null;
  const follow = () => following.mutate({ params: { handle } });
  if (r?.following) {
    return (
      <span className="pill" data-testid="match-following">
        {r.friends ? t('match.friends') : t('match.following')}
      </span>
    );
  }
  return (
    <>
      <button type="button" className={className} onClick={follow} disabled={busy} data-testid="match-follow">
        {busy ? t('common.working') : r?.followedBy ? t('match.followBack') : t('match.follow')}
      </button>
      {error !== null && <ErrorMessage error={error} testId="match-follow-error" />}
    </>
  );
}
