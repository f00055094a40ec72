import { useMemo, type ReactNode } from 'react';
import * as api from '@tremolo/protocol/api';
import { pagerPropsOf } from '../../components/video/pagerProps.ts';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiPages } from '../../lib/queries.ts';
import { feedItems } from './feedItems.ts';

/** The Friends feed reads ten videos a page. */
const FRIENDS_FEED_ARGS = { query: { limit: 10 } };

/**
 * 朋友: videos of mutual follows, newest first, friends-only posts included, each with the
 * friends who liked it. `tabs` switches to the friends list; `fallback` shows under an empty feed.
 */
export function FriendsFeed({ tabs, fallback }: { tabs: ReactNode; fallback: ReactNode }) {
  const { t } = useI18n();
  const feed = useApiPages(api.feeds.friends, FRIENDS_FEED_ARGS);
  const items = useMemo(() => feedItems(feed.data?.pages ?? []), [feed.data]);

  return (
    <VideoPager
      items={items}
      {...pagerPropsOf(feed)}
      overlay={tabs}
      testId="friends-feed"
      empty={
        <div className="stack">
          <p className="muted" data-testid="friends-feed-empty">
            {t('friendsFeed.empty')}
          </p>
          {fallback}
        </div>
      }
    />
  );
}
