import { forbidden } from '../../platform/errors.ts';
import type { ModerationService } from '../moderation/service.ts';

/** Moderators are the moderation module's (`ADMIN_HANDLES` and the `moderators` table). */
export class Moderators {
  constructor(private readonly deps: { moderation: ModerationService }) {}

  isModerator(userId: string): Promise<boolean> {
    return this.deps.moderation.isModerator(userId);
  }

  async assertModerator(userId: string): Promise<void> {
    if (!(await this.isModerator(userId))) throw forbidden('Moderators only');
  }
}
