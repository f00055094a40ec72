import type { Db } from '../../platform/db/client.ts';
import { levelFor } from './levels.ts';
import { FansRepo } from './repo.ts';

export interface FansDeps {
  db: Db;
}

/** Fan levels per (creator, fan). Other modules award points; rooms, groups and coupons read levels. */
export class FansService {
  private readonly repo: FansRepo;

  constructor(deps: FansDeps) {
    this.repo = new FansRepo(deps.db);
  }

  async award(creatorId: string, fanId: string, points: number): Promise<void> {
    if (creatorId === fanId || points === 0) return;
    await this.repo.add(creatorId, fanId, points);
  }

  async points(creatorId: string, fanId: string): Promise<number> {
    return this.repo.points(creatorId, fanId);
  }

  async level(creatorId: string, fanId: string): Promise<number> {
    return levelFor(await this.points(creatorId, fanId));
  }

  async levels(creatorId: string, fanIds: string[]): Promise<Map<string, number>> {
    const out = new Map(fanIds.map((id) => [id, 1]));
    if (fanIds.length === 0) return out;
    for (const r of await this.repo.pointsOf(creatorId, fanIds)) out.set(r.fan, levelFor(r.p));
    return out;
  }
}
