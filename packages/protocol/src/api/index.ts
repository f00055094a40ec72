import { accountsApi } from './accounts.ts';
import { cardsApi } from './cards.ts';
import { feedsApi } from './feeds.ts';
import { graphApi } from './graph.ts';
import { notificationsApi } from './notifications.ts';
import { videosApi } from './videos.ts';

export * from './endpoint.ts';

/** Every HTTP endpoint of Tremolo, by module and name. */
export const api = {
  accounts: accountsApi,
  cards: cardsApi,
  feeds: feedsApi,
  graph: graphApi,
  notifications: notificationsApi,
  videos: videosApi,
};
