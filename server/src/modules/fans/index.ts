import type { Platform } from '../../platform/module.ts';
import type { VideosService } from '../videos/service.ts';
import { signalPoints } from './levels.ts';
import { FansService } from './service.ts';

/** Fans has no routes: it keeps the points, which videos (here), groups and the shop award. */
export function register(p: Platform, deps: { videos: VideosService }): FansService {
  const fans = new FansService({ db: p.db });
  const { videos } = deps;
  videos.onSignal((s) => {
    if (!('userId' in s)) return;
    const points = signalPoints(s);
    if (points === 0) return;
    void videos
      .authorOf(s.videoId)
      .then((authorId) => (authorId ? fans.award(authorId, s.userId, points) : undefined))
      .catch((err: unknown) => p.log.warn({ err }, 'fan points not awarded'));
  });
  return fans;
}
