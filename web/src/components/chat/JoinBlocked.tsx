import * as api from '@tremolo/protocol/api';
import type { JoinBlock } from '@tremolo/protocol';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { cx } from '../../lib/cx.ts';
import styles from './chat.module.css';

/**
 * What stops me joining a fan group, said as what to do about it. For "followers only" that is a
 * follow button right here; following refreshes the card or group, after which the join button shows.
 */
export function JoinBlockedNote({
  code,
  owner,
  minFanLevel,
  myLevel,
  onFollowed,
}: {
  code: JoinBlock;
  owner: { handle: string; displayName: string };
  minFanLevel: number | null;
  myLevel: number | null;
  onFollowed?: () => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const following = useApiMutation(api.graph.follow, {
    invalidates: [api.cards.card, api.groups.get, api.graph.following, api.graph.followers, api.graph.friends],
    onSuccess: () => onFollowed?.(),
  });
  if (code === 'follow') {
    return (
      <div className={cx('note', styles['join-blocked'])} data-testid="join-blocked" data-code={code}>
        <span>{t('group.block.follow', { name: owner.displayName })}</span>
        <button
          type="button"
          className="btn btn-primary btn-small"
          onClick={() => following.mutate({ params: { handle: owner.handle } })}
          disabled={following.isPending}
          data-testid="join-follow"
        >
          {following.isPending ? t('common.working') : t('group.block.followButton')}
        </button>
        {following.error && (
          <span className="small accent" role="alert">
            {errorText(following.error)}
          </span>
        )}
      </div>
    );
  }
  const text =
    code === 'fan_level' ? t('group.block.fan_level', { level: minFanLevel ?? 1, mine: myLevel ?? 1 }) : t(`group.block.${code}`);
  return (
    <p className={cx('note', styles['join-blocked'])} data-testid="join-blocked" data-code={code}>
      {text}
    </p>
  );
}
