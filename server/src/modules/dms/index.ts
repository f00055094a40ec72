import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { dmChannelPolicy } from './realtime.ts';
import { registerDmRoutes } from './routes.ts';
import { DmsService } from './service.ts';

export function register(
  p: Platform,
  deps: { accounts: AccountsService; graph: GraphService; notifications: NotificationsService },
): DmsService {
  const dms = new DmsService({
    db: p.db,
    history: p.store,
    realtime: p.realtime,
    messageLimit: p.rateLimit('dm-msg', p.config.chatMessagesPer10s, 10),
    ...deps,
  });
  p.channels.register(dmChannelPolicy(dms));
  deps.notifications.countChatsWith((userId) => dms.unreadTotal(userId));
  registerDmRoutes(p.router, dms);
  return dms;
}
