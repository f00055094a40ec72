import { MAX_SNAPSHOT_BYTES, type MatchReport, type MatchReportBody } from '@tremolo/protocol';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { ModerationService } from '../moderation/service.ts';
import type { Calls } from './calls.ts';
import { channelOf, type MatchDeps } from './context.ts';
import type { Eligibilities } from './eligibility.ts';
import type { Moderators } from './moderators.ts';
import type { MatchQueue } from './queue.ts';
import type { ReportStatus } from './repo.ts';

type ModerationDeps = Pick<MatchDeps, 'repo' | 'accounts' | 'graph' | 'realtime' | 'bus' | 'limits' | 'options'> & {
  eligibility: Eligibilities;
  moderators: Moderators;
  queue: MatchQueue;
  calls: Calls;
  /** The one moderators' queue every surface reports into. */
  reports: Pick<ModerationService, 'file'>;
};

/**
 * Safety and its review: reports (with an optional snapshot) and blocks of someone met in a call,
 * the automatic cool-down after reports from several people, and the moderators' report queue
 * and bans. A ban travels over the bus, so every node takes the person out of its queue and call.
 */
export class MatchModeration {
  constructor(private readonly deps: ModerationDeps) {
    // A ban published on any node takes the person out of this node's queue and call.
    deps.bus.onEvent((frame) => {
      if (frame.body.kind === 'match_status' && frame.body.banned && frame.ch.startsWith('match:'))
        void deps.queue.evict(frame.ch.slice(6), 'banned').catch(() => undefined);
    });
  }

  async report(userId: string, body: MatchReportBody): Promise<{ id: string }> {
    const { repo, limits, options, calls, queue } = this.deps;
    if (body.userId === userId) throw new AppError('bad_request', 'You cannot report yourself');
    if (!(await calls.wasPeer(userId, body.userId))) throw forbidden('You can report people you met in 连线 or shake');
    // Reports feed the automatic cool-down, so one person's burst must not count as many.
    await limits.consume('reports', userId);
    await limits.consume('reportsPerTarget', `${userId}:${body.userId}`);
    let snapshotType: string | null = null;
    let snapshotB64: string | null = null;
    if (body.snapshot) {
      const m = /^data:(image\/(?:jpeg|png|webp));base64,(.+)$/.exec(body.snapshot);
      if (!m) throw new AppError('bad_request', 'The snapshot is not an image data URL');
      const bytes = Buffer.from(m[2]!, 'base64');
      if (bytes.length > MAX_SNAPSHOT_BYTES) throw new AppError('payload_too_large', 'The snapshot is too large');
      if (!looksLikeImage(bytes)) throw new AppError('unsupported_media_type', 'The snapshot is not a jpeg, png or webp image');
      snapshotType = m[1]!;
      snapshotB64 = bytes.toString('base64');
    }
    const id = newId();
    await repo.insertReport({
      id,
      reporterId: userId,
      reportedId: body.userId,
      callId: body.callId ?? null,
      reason: body.reason,
      details: body.details ?? '',
      snapshotType,
      snapshotB64,
    });
    const who = (await this.deps.accounts.summaries([body.userId])).get(body.userId);
    await this.deps.reports.file({
      reporterId: userId,
      surface: 'match',
      targetId: body.callId ?? id,
      seq: null,
      reportedId: body.userId,
      reason: body.reason,
      details: body.details ?? '',
      // The frame stays with the 连线 report (moderators only); the queue links to it by this report's id.
      snapshot: {
        title: who ? `连线 with @${who.handle}` : '连线',
        text: body.details ?? '',
        imageUrl: snapshotB64 ? `/api/v1/admin/match/reports/${id}/snapshot` : null,
        context: [],
      },
    });
    await queue.exclude(userId, body.userId);
    await calls.endWith(userId, body.userId, 'reported');
    const reporters = await repo.distinctReportersSince(body.userId, new Date(Date.now() - 86_400_000));
    if (reporters >= options.reportsForCooldown) {
      await queue.coolDown(body.userId, options.reportCooldownMs);
      await queue.evict(body.userId, 'left');
    }
    return { id };
  }

  async block(userId: string, other: string): Promise<void> {
    if (other === userId) throw new AppError('bad_request', 'You cannot block yourself');
    const target = (await this.deps.accounts.summaries([other])).get(other);
    if (!target) throw notFound('User');
    await this.deps.graph.block(userId, target.handle);
    await this.deps.queue.exclude(userId, other);
    await this.deps.calls.endWith(userId, other, 'blocked');
  }

  async reports(
    modId: string,
    status: ReportStatus,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: MatchReport[]; nextCursor: string | null }> {
    const { repo, accounts } = this.deps;
    await this.deps.moderators.assertModerator(modId);
    const rows = await repo.reports(status, cursor, limit);
    const page = rows.slice(0, limit);
    const people = [...new Set(page.flatMap((r) => [r.reporterId, r.reportedId]))];
    const [users, open, banned] = await Promise.all([accounts.summaries(people), repo.openCounts(people), repo.bannedAmong(people)]);
    const items = page.flatMap((r) => {
      const reporter = users.get(r.reporterId);
      const reported = users.get(r.reportedId);
      if (!reporter || !reported) return [];
      return [
        {
          id: r.id,
          reporter,
          reported,
          callId: r.callId,
          reason: r.reason,
          details: r.details,
          hasSnapshot: !!r.hasSnapshot,
          status: r.status,
          createdAt: r.createdAt.toISOString(),
          reportedOpenCount: open.get(r.reportedId) ?? 0,
          reportedBanned: banned.has(r.reportedId),
        },
      ];
    });
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  async snapshot(modId: string, reportId: string): Promise<{ type: string; bytes: Buffer }> {
    await this.deps.moderators.assertModerator(modId);
    const s = await this.deps.repo.snapshot(reportId);
    if (!s?.b64 || !s.type) throw notFound('Snapshot');
    return { type: s.type, bytes: Buffer.from(s.b64, 'base64') };
  }

  async review(modId: string, reportId: string, status: ReportStatus): Promise<void> {
    await this.deps.moderators.assertModerator(modId);
    if (!(await this.deps.repo.review(reportId, status, modId))) throw notFound('Report');
  }

  async ban(modId: string, userId: string, reason: string, reportId?: string): Promise<void> {
    const { repo, accounts, queue, realtime } = this.deps;
    await this.deps.moderators.assertModerator(modId);
    if (userId === modId) throw new AppError('bad_request', 'You cannot ban yourself');
    if (!(await accounts.summaries([userId])).has(userId)) throw notFound('User');
    await repo.ban(userId, reason, modId);
    if (reportId) await repo.review(reportId, 'actioned', modId);
    await queue.evict(userId, 'banned');
    // Every node (and the person's own sockets) hears it: the bus handler above evicts there too.
    await realtime.publish(channelOf(userId), { kind: 'match_status', state: 'idle', banned: true });
  }

  async unban(modId: string, userId: string): Promise<void> {
    await this.deps.moderators.assertModerator(modId);
    await this.deps.repo.unban(userId);
    this.deps.eligibility.forget(userId);
  }
}

function looksLikeImage(b: Buffer): boolean {
  if (b.length < 12) return false;
  const jpeg = b[0] === 0xff && b[1] === 0xd8;
  const png = b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const webp = b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
  return jpeg || png || webp;
}
