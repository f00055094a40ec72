import { forbidden } from '../../platform/errors.ts';
import type { MatchDeps } from './context.ts';

/** Moderators are the handles in `ADMIN_HANDLES` plus the rows of `moderators`. */
export class Moderators {
  constructor(private readonly deps: Pick<MatchDeps, 'accounts' | 'repo' | 'options'>) {}

  async isModerator(userId: string): Promise<boolean> {
    const { adminHandles } = this.deps.options;
    if (adminHandles.size) {
      const me = (await this.deps.accounts.summaries([userId])).get(userId);
      if (me && adminHandles.has(me.handle.toLowerCase())) return true;
    }
    return this.deps.repo.isModerator(userId);
  }

  async assertModerator(userId: string): Promise<void> {
    if (!(await this.isModerator(userId))) throw forbidden('Moderators only');
  }
}
