import { accountsApi } from './accounts.ts';
import { aftersalesApi } from './aftersales.ts';
import { cardsApi } from './cards.ts';
import { dmsApi } from './dms.ts';
import { feedsApi } from './feeds.ts';
import { graphApi } from './graph.ts';
import { groupsApi } from './groups.ts';
import { matchApi } from './match.ts';
import { moderationApi } from './moderation.ts';
import { notificationsApi } from './notifications.ts';
import { pushApi } from './push.ts';
import { reviewsApi } from './reviews.ts';
import { rightsApi } from './rights.ts';
import { roomsApi } from './rooms.ts';
import { searchApi } from './search.ts';
import { shopApi } from './shop.ts';
import { videosApi } from './videos.ts';
import { watchApi } from './watch.ts';

export * from './endpoint.ts';

/** Every HTTP endpoint of Tremolo, by module and name. */
export const api = {
  accounts: accountsApi,
  aftersales: aftersalesApi,
  cards: cardsApi,
  dms: dmsApi,
  feeds: feedsApi,
  graph: graphApi,
  groups: groupsApi,
  match: matchApi,
  moderation: moderationApi,
  notifications: notificationsApi,
  push: pushApi,
  reviews: reviewsApi,
  rights: rightsApi,
  rooms: roomsApi,
  search: searchApi,
  shop: shopApi,
  videos: videosApi,
  watch: watchApi,
};
