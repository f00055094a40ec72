import type { Platform } from '../../platform/module.ts';
import { userChannelPolicy } from './realtime.ts';
import { registerNotificationRoutes } from './routes.ts';
import { NotificationsService } from './service.ts';

export function register(p: Platform): NotificationsService {
  const notifications = new NotificationsService({ db: p.db, realtime: p.realtime });
  p.channels.register(userChannelPolicy);
  registerNotificationRoutes(p.router, notifications);
  return notifications;
}
