/**
 * The endpoint table as a module namespace: `import * as api from '@tremolo/protocol/api'` reads
 * like `api` from the package's root, but a bundler keeps only the modules a build names
 * (`api.feeds.forYou` keeps the feeds endpoints and their schemas, not the shop's), which the
 * web app's first download relies on.
 */
export { accountsApi as accounts } from './accounts.ts';
export { aftersalesApi as aftersales } from './aftersales.ts';
export { cardsApi as cards } from './cards.ts';
export { dmsApi as dms } from './dms.ts';
export { feedsApi as feeds } from './feeds.ts';
export { graphApi as graph } from './graph.ts';
export { groupsApi as groups } from './groups.ts';
export { matchApi as match } from './match.ts';
export { moderationApi as moderation } from './moderation.ts';
export { notificationsApi as notifications } from './notifications.ts';
export { pushApi as push } from './push.ts';
export { reviewsApi as reviews } from './reviews.ts';
export { rightsApi as rights } from './rights.ts';
export { roomsApi as rooms } from './rooms.ts';
export { searchApi as search } from './search.ts';
export { shopApi as shop } from './shop.ts';
export { videosApi as videos } from './videos.ts';
export { watchApi as watch } from './watch.ts';
