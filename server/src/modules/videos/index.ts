import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import { registerVideoRoutes } from './routes.ts';
import { VideosService } from './service.ts';
import { registerVideoSurfaces } from './moderation.ts';

export function register(
  p: Platform,
  deps: { accounts: AccountsService; graph: GraphService; moderation: ModerationService },
): VideosService {
  const videos = new VideosService({
    db: p.db,
    files: p.privateFiles,
    realtime: p.realtime,
    opts: {
      maxDurationSec: p.config.maxVideoDurationSec,
      processRetries: p.config.videoProcessing.retries,
      processRetryDelaySec: p.config.videoProcessing.retryDelaySec,
      processTestDelayMs: p.config.videoProcessing.testDelayMs,
    },
    limits: p.limits,
    jobs: p.jobs,
    ...deps,
  });
  registerVideoSurfaces(deps.moderation, videos);
  registerVideoRoutes(p.router, videos, { maxVideoBytes: p.config.maxVideoBytes, files: p.privateFiles });
  deps.accounts.rights.addPart(videos.accountPart());
  return videos;
}
