import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { ModerationRepo } from './repo.ts';
import { registerModerationRoutes } from './routes.ts';
import { ModerationService } from './service.ts';

export function register(p: Platform, deps: { accounts: AccountsService; notifications: NotificationsService }): ModerationService {
  const moderation = new ModerationService({
    repo: new ModerationRepo(p.db),
    accounts: deps.accounts,
    notifications: deps.notifications,
    realtime: p.realtime,
    store: p.store,
    channels: p.channels,
    bus: p.bus,
    limits: p.limits,
    adminHandles: new Set(p.config.match.adminHandles.map((h) => h.toLowerCase())),
  });
  // Restrictions hold on every write and every stored message, whichever module serves it.
  p.router.setWriteGate((userId, route) => moderation.checkWrite(userId, route));
  p.realtime.setPublishGate((userId) => moderation.checkPost(userId));
  registerModerationRoutes(p.router, moderation);
  return moderation;
}
