import type {
  ActionBody,
  ActionNotice,
  AppealItem,
  AuditEntry,
  ChannelEvent,
  EventFrame,
  FilterWord,
  HeldItem,
  ModerationMe,
  QueueItem,
  ReportBody,
  ReportSnapshot,
  ReportSurface,
  WordAction,
} from '@tremolo/protocol';
import { LRUCache } from 'lru-cache';
import { Coalescer } from '../../platform/coalesce.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Bus } from '../../platform/realtime/bus.ts';
import type { ChannelRegistry } from '../../platform/realtime/channels.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { EventStore } from '../../platform/realtime/store.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { findMatch } from './matcher.ts';
import type { HeldRow, ModerationRepo, ReportRow, Sanction, WordRow } from './repo.ts';

/** What a module tells moderation about one of its surfaces. */
export interface SurfaceAdapter {
  /**
   * The content as `viewerId` sees it now, with the person responsible for it; null when it is
   * gone or `viewerId` may not see it (nobody reports what they cannot see).
   */
  snapshot(viewerId: string, targetId: string): Promise<{ ownerId: string | null; snapshot: ReportSnapshot } | null>;
  /**
   * Takes the content down, by a moderator's decision (`reporterId` locates a DM, whose channel is
   * the reporter's). Where the surface can, this hides rather than deletes, so `restore` can undo it.
   */
  remove(targetId: string, reporterId: string): Promise<void>;
  /**
   * Brings back what `remove` took down, when an appeal of that removal is overturned. Absent where
   * a removal cannot be undone (the person is told their content could not be restored).
   */
  restore?(targetId: string, reporterId: string): Promise<void>;
}

/** Where held text goes when released: comments are stored by their module; messages are published here. */
export type ReleaseHandler = (held: { authorId: string; placeId: string; payload: Record<string, unknown> }) => Promise<void>;

export type HeldSurface = HeldRow['surface'];

/** What `screen` checks before a comment, group message or room chat message is stored. */
export interface ScreenInput {
  surface: HeldSurface;
  /** The video, group or room. */
  placeId: string;
  placeName: string;
  /** The creator whose list applies (the video's author, group's owner, room's host). */
  ownerId: string;
  authorId: string;
  text: string;
  /** What release delivers (for messages, the prepared channel body). */
  payload: Record<string, unknown>;
}

export interface ModerationDeps {
  repo: ModerationRepo;
  accounts: AccountsService;
  notifications: NotificationsService;
  realtime: Realtime;
  store: EventStore;
  channels: ChannelRegistry;
  bus: Bus;
  limits: Limits;
  adminHandles: ReadonlySet<string>;
}

/** Routes a suspended or banned person may still call: to read their notice, appeal and leave. */
const ALLOWED_WHILE_SUSPENDED = new Set(['POST /api/v1/moderation/actions/:id/appeal', 'POST /api/v1/auth/logout']);
const SANCTIONS_CHANGED = 'moderation-sanctions-changed';
const WORDS_CHANGED = 'moderation-words-changed';
/** The payload of WORDS_CHANGED when the site list changed: it applies to every creator's screen. */
const SITE_LIST = '*';
const SURFACE_WORDS: Record<ReportSurface, string> = {
  profile: 'profile',
  video: 'video',
  comment: 'comment',
  group_message: 'group message',
  dm: 'direct message',
  room: 'room',
  product: 'product',
  review: 'review',
  match: '连线 call',
};

/**
 * Trust and safety for every surface: one report flow (content copied when reported), one queue
 * for moderators with actions effective on every node before they are answered, an audit log,
 * appeals decided by another moderator, and word filters (the site's and each creator's).
 */
export class ModerationService {
  private readonly adapters = new Map<ReportSurface, SurfaceAdapter>();
  private readonly releasers = new Map<HeldSurface, ReleaseHandler>();
  /**
   * Restrictions read per request and per message are kept in memory; a change is dropped here
   * and on every other node (over the bus) before the moderator's request is answered, so the
   * time limit is only the backstop for a node that missed the message (as for sessions).
   */
  private readonly sanctions = new LRUCache<string, Sanction>({ max: 50_000, ttl: 30_000 });
  /**
   * People not in memory are read together: at a sale's opening thousands of first writes
   * arrive at once, and one query per person would queue them behind the connection pool.
   */
  private readonly sanctionLoads: Coalescer<string, Sanction>;
  /** Counts changes: a read that started before one may be stale, so its answer is used but not kept. */
  private sanctionGeneration = 0;
  /**
   * The lists that apply under each creator (the site's and theirs), read for every screened
   * message; an edit drops them here and on every other node, the TTL bounds a lost signal.
   */
  private readonly wordLists = new LRUCache<string, WordRow[]>({ max: 5_000, ttl: 60_000 });

  constructor(private readonly deps: ModerationDeps) {
    this.sanctionLoads = new Coalescer((ids) => deps.repo.sanctions(ids), { rounds: 4, max: 500 });
    deps.bus.onSignal(SANCTIONS_CHANGED, (payload) => {
      if (typeof payload !== 'string') return;
      this.sanctionGeneration++;
      this.sanctions.delete(payload);
    });
    deps.bus.onSignal(WORDS_CHANGED, (payload) => {
      if (payload === SITE_LIST) this.wordLists.clear();
      else if (typeof payload === 'string') this.wordLists.delete(payload);
    });
    this.registerMessageSurfaces();
    this.registerProfileSurface();
    // Messages held in a group or room are published when released, as their author.
    for (const [surface, kind] of [
      ['group_message', 'group'],
      ['room', 'room'],
    ] as const) {
      this.releasers.set(surface, async (h) => {
        await deps.realtime.publish(`${kind}:${h.placeId}`, h.payload as ChannelEvent, { senderId: h.authorId });
      });
    }
  }

  /** A module plugs in one of its surfaces (how to copy and how to remove its content). */
  registerSurface(surface: ReportSurface, adapter: SurfaceAdapter): void {
    this.adapters.set(surface, adapter);
  }

  /** A module says how to deliver its held text when released. */
  onRelease(surface: HeldSurface, handler: ReleaseHandler): void {
    this.releasers.set(surface, handler);
  }

  // ---- Moderators ----

  async isModerator(userId: string): Promise<boolean> {
    if (this.deps.adminHandles.size) {
      const me = (await this.deps.accounts.summaries([userId])).get(userId);
      if (me && this.deps.adminHandles.has(me.handle.toLowerCase())) return true;
    }
    return this.deps.repo.isModerator(userId);
  }

  /** Everyone who moderates: granted in the database, and the accounts named by ADMIN_HANDLES. */
  async moderatorIds(): Promise<string[]> {
    const ids = new Set(await this.deps.repo.moderatorIds());
    for (const handle of this.deps.adminHandles) {
      const u = await this.deps.accounts.byHandle(handle).catch(() => null);
      if (u) ids.add(u.id);
    }
    return [...ids];
  }

  async assertModerator(userId: string): Promise<void> {
    if (!(await this.isModerator(userId))) throw forbidden('Moderators only');
  }

  // ---- Reports ----

  async report(reporterId: string, body: ReportBody): Promise<{ id: string }> {
    if (body.surface === 'match') throw new AppError('bad_request', 'Report a 连线 call from the call itself');
    const adapter = this.adapters.get(body.surface);
    if (!adapter) throw new AppError('bad_request', `Reports on ${body.surface} are not open`);
    // A message is named by its conversation and its seq; a room by its id, or with a seq its chat
    // line; anything else by its id alone.
    const isMessage = body.surface === 'group_message' || body.surface === 'dm';
    if (isMessage && body.seq === undefined)
      throw new AppError('validation_failed', 'A message is reported with its seq', [{ path: 'seq', message: 'required for a message' }]);
    if (!isMessage && body.surface !== 'room' && body.seq !== undefined)
      throw new AppError('validation_failed', 'Only messages and room chat lines are reported with a seq', [
        { path: 'seq', message: 'only for group messages, DMs and room chat lines' },
      ]);
    const ref = body.seq === undefined ? body.targetId : `${body.targetId}#${body.seq}`;
    const found = await adapter.snapshot(reporterId, ref);
    if (!found) throw notFound(capital(SURFACE_WORDS[body.surface]));
    if (found.ownerId === reporterId) throw new AppError('bad_request', 'You cannot report your own content');
    await this.deps.limits.consume('reports', reporterId);
    // The per-target cap is per piece of content: one person cannot pile reports onto one thing.
    await this.deps.limits.consume('reportsPerTarget', `${reporterId}:${body.surface}:${ref}`);
    return this.file({
      reporterId,
      surface: body.surface,
      targetId: body.targetId,
      seq: body.seq ?? null,
      reportedId: found.ownerId,
      reason: body.reason,
      details: body.details ?? '',
      snapshot: found.snapshot,
    });
  }

  /** Files a report already checked and limited by its surface (连线 calls). */
  async file(r: Omit<ReportRow, 'id' | 'status' | 'reviewedBy' | 'createdAt'>): Promise<{ id: string }> {
    const id = newId();
    await this.deps.repo.insertReport({ id, ...r });
    return { id };
  }

  async queue(
    modId: string,
    f: {
      status: ReportRow['status'];
      surface?: ReportSurface | undefined;
      reason?: ReportRow['reason'] | undefined;
      cursor?: string | undefined;
      limit: number;
    },
  ): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    await this.assertModerator(modId);
    const rows = await this.deps.repo.reports(f);
    const page = rows.slice(0, f.limit);
    const people = [...new Set(page.flatMap((r) => [r.reporterId, ...(r.reportedId ? [r.reportedId] : [])]))];
    const [users, open] = await Promise.all([this.deps.accounts.summaries(people), this.deps.repo.openCounts(people)]);
    const items = page.flatMap((r): QueueItem[] => {
      const reporter = users.get(r.reporterId);
      if (!reporter) return [];
      return [
        {
          id: r.id,
          surface: r.surface,
          targetId: r.targetId,
          seq: r.seq,
          reason: r.reason,
          details: r.details,
          reporter,
          reported: (r.reportedId && users.get(r.reportedId)) || null,
          snapshot: r.snapshot,
          status: r.status,
          createdAt: r.createdAt.toISOString(),
          reportedOpenCount: r.reportedId ? (open.get(r.reportedId) ?? 0) : 0,
        },
      ];
    });
    return { items, nextCursor: rows.length > f.limit ? page[page.length - 1]!.id : null };
  }

  async dismiss(modId: string, reportId: string): Promise<void> {
    await this.assertModerator(modId);
    const r = await this.deps.repo.report(reportId);
    if (!r) throw notFound('Report');
    if (!(await this.deps.repo.closeReport(reportId, 'dismissed', modId)))
      throw new AppError('conflict', 'This report was already decided');
    await this.audit(modId, 'dismiss', r.reportedId, `${r.surface} report ${r.id} (${r.reason})`);
  }

  // ---- Actions ----

  /**
   * Takes an action. Restrictions are effective on every node before this returns: the row is
   * committed (checked on each write and message), every node's cache is told, and for a
   * suspension or ban every session and socket of the person ends.
   */
  async act(modId: string, body: ActionBody): Promise<{ id: string }> {
    const { repo, accounts } = this.deps;
    await this.assertModerator(modId);
    const report = body.reportId ? await repo.report(body.reportId) : undefined;
    if (body.reportId && !report) throw notFound('Report');
    const userId = body.userId ?? report?.reportedId ?? null;
    if (!userId) throw new AppError('bad_request', 'This report names nobody to act against');
    if (userId === modId) throw new AppError('bad_request', 'You cannot act against yourself');
    if (!(await accounts.summaries([userId])).has(userId)) throw notFound('User');
    if (body.kind === 'remove') {
      const adapter = report && this.adapters.get(report.surface);
      if (!report || !adapter) throw new AppError('bad_request', 'This content cannot be removed from here');
      await adapter.remove(report.seq === null ? report.targetId : `${report.targetId}#${report.seq}`, report.reporterId);
      await repo.closeSameTarget(report, modId);
    } else if (report) {
      await repo.closeReport(report.id, 'actioned', modId);
    }
    const id = newId();
    const until = body.hours !== undefined ? new Date(Date.now() + body.hours * 3_600_000) : null;
    await repo.insertAction({ id, userId, kind: body.kind, until, note: body.note, reportId: report?.id ?? null, byId: modId });
    await this.audit(
      modId,
      body.kind,
      userId,
      `${body.note}${until ? ` (until ${until.toISOString()})` : ''}${report ? ` · report ${report.id}` : ''}`,
    );
    await this.sanctionsChanged(userId);
    // The person hears of it in their inbox too, wherever they are; the safety page has the details.
    await this.deps.notifications.notify(userId, { kind: 'moderation', action: body.kind, until: until?.toISOString() ?? null });
    if (body.kind === 'suspend' || body.kind === 'ban') {
      await accounts.endAllSessions(userId);
      await this.deps.realtime.disconnectUser(userId);
    }
    return { id };
  }

  /** The restrictions in force on a person (kept in memory, dropped on every node when they change). */
  async sanctionOf(userId: string): Promise<Sanction> {
    let s = this.sanctions.get(userId);
    if (!s) {
      const generation = this.sanctionGeneration;
      s = (await this.sanctionLoads.get(userId)) ?? { mutedUntil: null, suspendedUntil: null, banned: false };
      if (generation === this.sanctionGeneration) this.sanctions.set(userId, s);
    }
    // A remembered mute or suspension ends on time, not when the memory of it does.
    const now = Date.now();
    const mutedUntil = s.mutedUntil && s.mutedUntil.getTime() > now ? s.mutedUntil : null;
    const suspendedUntil = s.suspendedUntil && s.suspendedUntil.getTime() > now ? s.suspendedUntil : null;
    return mutedUntil === s.mutedUntil && suspendedUntil === s.suspendedUntil ? s : { ...s, mutedUntil, suspendedUntil };
  }

  /** The router's gate: a suspended or banned person may read, appeal and log out, nothing else. */
  async checkWrite(userId: string, route: string): Promise<void> {
    if (ALLOWED_WHILE_SUSPENDED.has(route)) return;
    const s = await this.sanctionOf(userId);
    if (s.banned) throw new AppError('forbidden', 'Your account is banned; you may appeal from your notices');
    if (s.suspendedUntil) throw new AppError('forbidden', `Your account is suspended until ${s.suspendedUntil.toISOString()}`);
  }

  /** The gateway's gate for every stored message (groups, DMs, rooms): muted, suspended and banned people do not post. */
  async checkPost(userId: string): Promise<void> {
    await this.checkWrite(userId, '');
    const s = await this.sanctionOf(userId);
    if (s.mutedUntil) throw new AppError('muted', `You are muted until ${s.mutedUntil.toISOString()}`);
  }

  private async sanctionsChanged(userId: string): Promise<void> {
    this.sanctionGeneration++;
    this.sanctions.delete(userId);
    await this.deps.bus.signalDelivered(SANCTIONS_CHANGED, userId).catch(() => undefined);
  }

  // ---- The person acted on: notices and appeals ----

  async me(userId: string): Promise<ModerationMe> {
    const [isModerator, s, rows] = await Promise.all([
      this.isModerator(userId),
      this.sanctionOf(userId),
      this.deps.repo.actionsAgainst(userId),
    ]);
    const notices = rows.map(
      ({ action: a, appeal, report }): ActionNotice => ({
        id: a.id,
        kind: a.kind,
        until: a.until?.toISOString() ?? null,
        note: a.note,
        surface: report?.surface ?? null,
        contentTitle: report?.snapshot ? (report.snapshot.text || report.snapshot.title).slice(0, 80) : null,
        createdAt: a.createdAt.toISOString(),
        revoked: a.revokedAt !== null,
        appeal: appeal
          ? { id: appeal.id, text: appeal.text, status: appeal.status, decidedAt: appeal.decidedAt?.toISOString() ?? null }
          : null,
      }),
    );
    return { isModerator, mutedUntil: s.mutedUntil?.toISOString() ?? null, notices };
  }

  async appeal(userId: string, actionId: string, text: string): Promise<void> {
    const a = await this.deps.repo.action(actionId);
    if (!a || a.userId !== userId) throw notFound('Action');
    await this.deps.limits.consume('reports', userId);
    if (!(await this.deps.repo.insertAppeal({ id: newId(), actionId, text })))
      throw new AppError('conflict', 'You have already appealed this action');
  }

  async appeals(
    modId: string,
    status: 'open' | 'upheld' | 'overturned',
    cursor: string | undefined,
  ): Promise<{ items: AppealItem[]; nextCursor: string | null }> {
    await this.assertModerator(modId);
    const limit = 20;
    const rows = await this.deps.repo.appeals(status, cursor, limit);
    const page = rows.slice(0, limit);
    const users = await this.deps.accounts.summaries([...new Set(page.flatMap((r) => [r.action.userId, r.action.byId]))]);
    const items = page.flatMap((r): AppealItem[] => {
      const user = users.get(r.action.userId);
      const by = users.get(r.action.byId);
      if (!user || !by) return [];
      return [
        {
          id: r.appeal.id,
          text: r.appeal.text,
          status: r.appeal.status,
          createdAt: r.appeal.createdAt.toISOString(),
          action: {
            id: r.action.id,
            kind: r.action.kind,
            note: r.action.note,
            until: r.action.until?.toISOString() ?? null,
            user,
            by,
            snapshot: r.snapshot,
          },
        },
      ];
    });
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.appeal.id : null };
  }

  /** Only a moderator other than the one who acted decides; overturning ends the action's effect everywhere. */
  async decideAppeal(modId: string, appealId: string, decision: 'upheld' | 'overturned', note: string): Promise<void> {
    await this.assertModerator(modId);
    const row = await this.deps.repo.appeal(appealId);
    if (!row) throw notFound('Appeal');
    if (row.action.byId === modId) throw forbidden('Another moderator must decide an appeal of your own action');
    if (!(await this.deps.repo.decideAppeal(appealId, decision, modId))) throw new AppError('conflict', 'This appeal was already decided');
    let outcome: 'appeal_upheld' | 'appeal_overturned' | 'appeal_overturned_unrestored' = `appeal_${decision}`;
    if (decision === 'overturned') {
      await this.deps.repo.revokeAction(row.action.id);
      await this.sanctionsChanged(row.action.userId);
      if (row.action.kind === 'remove' && !(await this.restoreRemoved(row.action.reportId))) outcome = 'appeal_overturned_unrestored';
    }
    await this.deps.notifications.notify(row.action.userId, { kind: 'moderation', action: outcome, until: null });
    await this.audit(modId, `appeal_${decision}`, row.action.userId, `${row.action.kind} ${row.action.id}${note ? `: ${note}` : ''}`);
  }

  /** Undoes a removal whose appeal was overturned; false when its surface cannot bring the content back. */
  private async restoreRemoved(reportId: string | null): Promise<boolean> {
    const report = reportId ? await this.deps.repo.report(reportId) : undefined;
    const adapter = report && this.adapters.get(report.surface);
    if (!report || !adapter?.restore) return false;
    await adapter.restore(report.seq === null ? report.targetId : `${report.targetId}#${report.seq}`, report.reporterId);
    return true;
  }

  async auditLog(modId: string, cursor: string | undefined): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    await this.assertModerator(modId);
    const limit = 50;
    const rows = await this.deps.repo.auditPage(cursor, limit);
    const page = rows.slice(0, limit);
    const users = await this.deps.accounts.summaries([...new Set(page.flatMap((r) => [r.actorId, ...(r.subjectId ? [r.subjectId] : [])]))]);
    const items = page.flatMap((r): AuditEntry[] => {
      const actor = users.get(r.actorId);
      if (!actor) return [];
      return [
        {
          id: r.id,
          actor,
          action: r.action,
          subject: (r.subjectId && users.get(r.subjectId)) || null,
          detail: r.detail,
          createdAt: r.createdAt.toISOString(),
        },
      ];
    });
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  private async audit(actorId: string, action: string, subjectId: string | null, detail: string): Promise<void> {
    await this.deps.repo.audit({ id: newId(), actorId, action, subjectId, detail });
  }

  // ---- Word filters ----

  private async listOwner(userId: string, scope: 'site' | 'mine'): Promise<string | null> {
    if (scope === 'mine') return userId;
    await this.assertModerator(userId);
    return null;
  }

  async words(userId: string, scope: 'site' | 'mine'): Promise<FilterWord[]> {
    const owner = await this.listOwner(userId, scope);
    return (await this.deps.repo.words(owner)).map((w) => ({
      id: w.id,
      word: w.word,
      action: w.action,
      createdAt: w.createdAt.toISOString(),
    }));
  }

  async addWord(userId: string, scope: 'site' | 'mine', word: string, action: WordAction): Promise<FilterWord> {
    const owner = await this.listOwner(userId, scope);
    await this.deps.limits.consume('wordListEdits', userId);
    const w = await this.deps.repo.upsertWord({ id: newId(), ownerId: owner, scope: owner ?? 'site', word: word.toLowerCase(), action });
    await this.wordsChanged(owner);
    if (owner === null) await this.audit(userId, 'site_word', null, `${w.word} → ${action}`);
    return { id: w.id, word: w.word, action: w.action, createdAt: w.createdAt.toISOString() };
  }

  async removeWord(userId: string, id: string): Promise<void> {
    const w = await this.deps.repo.word(id);
    if (!w) throw notFound('Word');
    if (w.ownerId === null) await this.assertModerator(userId);
    else if (w.ownerId !== userId) throw notFound('Word');
    await this.deps.repo.deleteWord(id);
    await this.wordsChanged(w.ownerId);
    if (w.ownerId === null) await this.audit(userId, 'site_word_removed', null, w.word);
  }

  private async wordsChanged(ownerId: string | null): Promise<void> {
    if (ownerId === null) this.wordLists.clear();
    else this.wordLists.delete(ownerId);
    await this.deps.bus.signalDelivered(WORDS_CHANGED, ownerId ?? SITE_LIST).catch(() => undefined);
  }

  private async wordsFor(ownerId: string): Promise<WordRow[]> {
    const hit = this.wordLists.get(ownerId);
    if (hit) return hit;
    const rows = await this.deps.repo.wordsFor(ownerId);
    this.wordLists.set(ownerId, rows);
    return rows;
  }

  /**
   * Checks text before it is stored: a mute refuses it, a blocked word refuses it with a clear
   * error, a held word keeps it out of sight (stored here, not delivered) until the creator (their
   * list) or a moderator (the site's) releases it. The creator's own text skips their own list.
   */
  async screen(input: ScreenInput): Promise<void> {
    await this.checkPost(input.authorId);
    const words = await this.wordsFor(input.ownerId);
    const rules = words
      .filter((w) => w.ownerId === null || w.ownerId !== input.authorId)
      .map((w) => ({ word: w.word, action: w.action, tag: w.ownerId }));
    // Site rules first, so a site hold goes to moderators even when the creator's list holds it too.
    rules.sort((a, b) => (a.tag === null ? 0 : 1) - (b.tag === null ? 0 : 1));
    const m = findMatch(input.text, rules);
    if (!m) return;
    if (m.action === 'block') throw new AppError('content_blocked', `“${m.word}” is not allowed here; change your text and send it again`);
    await this.deps.repo.insertHeld({
      id: newId(),
      surface: input.surface,
      placeId: input.placeId,
      ownerId: m.tag,
      authorId: input.authorId,
      text: input.text,
      word: m.word,
      payload: { ...input.payload, placeName: input.placeName },
    });
    throw new AppError('content_held', 'Your message is held for review and will appear if it is approved');
  }

  async held(userId: string, scope: 'site' | 'mine'): Promise<HeldItem[]> {
    const owner = await this.listOwner(userId, scope);
    const rows = await this.deps.repo.heldFor(owner);
    const users = await this.deps.accounts.summaries([...new Set(rows.map((r) => r.authorId))]);
    return rows.flatMap((r): HeldItem[] => {
      const author = users.get(r.authorId);
      if (!author) return [];
      const placeName = typeof r.payload.placeName === 'string' ? r.payload.placeName : '';
      return [
        {
          id: r.id,
          surface: r.surface,
          placeId: r.placeId,
          placeName,
          author,
          text: r.text,
          word: r.word,
          createdAt: r.createdAt.toISOString(),
        },
      ];
    });
  }

  async decideHeld(userId: string, id: string, decision: 'release' | 'remove'): Promise<void> {
    const h = await this.deps.repo.held(id);
    if (!h) throw notFound('Held message');
    if (h.ownerId === null) await this.assertModerator(userId);
    else if (h.ownerId !== userId) throw notFound('Held message');
    if (!(await this.deps.repo.decideHeld(id, decision === 'release' ? 'released' : 'removed', userId)))
      throw new AppError('conflict', 'This message was already decided');
    if (decision === 'release') {
      const { placeName: _placeName, ...payload } = h.payload;
      await this.releasers.get(h.surface)?.({ authorId: h.authorId, placeId: h.placeId, payload });
    }
    if (h.ownerId === null) await this.audit(userId, `held_${decision}`, h.authorId, `${h.surface}: ${h.text.slice(0, 80)}`);
  }

  // ---- Built-in surfaces ----

  /**
   * A surface of lines in the platform's channel store (group messages, DMs, room chat), reported
   * as `<targetId>#<seq>`: copied with five lines either side, removed by a tombstone for everyone,
   * live. There is no `restore`: the tombstone replaces the stored line and every client already
   * dropped it, so an overturned appeal cannot bring the line back (the person is told so).
   */
  chatLineAdapter(opts: {
    title: string;
    /** The channel a report names (a DM's is the reporter's with the other person). */
    channelFor: (viewerId: string, targetId: string) => string;
    /** Whether the reporter may read that channel now. */
    canSee: (viewerId: string, channel: string) => Promise<boolean>;
  }): SurfaceAdapter {
    const { store, realtime } = this.deps;
    return {
      snapshot: async (viewerId, ref) => {
        const [targetId, seqText] = ref.split('#');
        const seq = Number(seqText);
        if (!targetId || !Number.isInteger(seq)) return null;
        const ch = opts.channelFor(viewerId, targetId);
        if (!(await opts.canSee(viewerId, ch))) return null;
        const around = await store.range(ch, Math.max(0, seq - 6), seq + 5, 11);
        const reported = around.find((f) => f.seq === seq);
        if (!reported?.from || reported.body.kind === 'message_deleted') return null;
        const users = await this.deps.accounts.summaries([...new Set(around.flatMap((f) => (f.from ? [f.from] : [])))]);
        return {
          ownerId: reported.from,
          snapshot: {
            title: opts.title,
            text: textOf(reported),
            imageUrl: reported.body.kind === 'image' ? reported.body.url : null,
            context: around.map((f) => ({
              seq: f.seq ?? 0,
              from: f.from ? (users.get(f.from)?.handle ?? null) : null,
              text: textOf(f),
              reported: f.seq === seq,
            })),
          },
        };
      },
      remove: async (ref, reporterId) => {
        const [targetId, seqText] = ref.split('#');
        const seq = Number(seqText);
        if (!targetId || !Number.isInteger(seq)) throw notFound('Message');
        const ch = opts.channelFor(reporterId, targetId);
        // The tombstone keeps the sequence whole and tells live clients, as a sender's own delete does.
        const by = '00000000-0000-0000-0000-000000000000';
        await store.redact(ch, seq, { kind: 'message_deleted', seq, by });
        await realtime.publish(ch, { kind: 'message_deleted', seq, by });
      },
    };
  }

  /** Group messages and DMs: the reporter must be able to listen on the conversation. */
  private registerMessageSurfaces(): void {
    const { channels } = this.deps;
    const canListen = async (viewerId: string, ch: string) => {
      const [kind, ...rest] = ch.split(':');
      const policy = channels.get(kind as 'group' | 'dm');
      return !!policy && (await policy.canSubscribe({ id: viewerId, handle: '', csrfToken: '' }, rest.join(':')));
    };
    this.adapters.set(
      'group_message',
      this.chatLineAdapter({ title: 'Group message', channelFor: (_v, groupId) => `group:${groupId}`, canSee: canListen }),
    );
    // A DM report names the other person: the channel is the reporter's with them.
    this.adapters.set(
      'dm',
      this.chatLineAdapter({ title: 'DM', channelFor: (viewerId, otherId) => dmChannel(viewerId, otherId), canSee: canListen }),
    );
  }

  /**
   * A profile's removal resets its name, bio and links. There is no `restore`: the person may have
   * edited it since, and they can write it again themselves once the appeal is overturned.
   */
  private registerProfileSurface(): void {
    const { accounts } = this.deps;
    this.adapters.set('profile', {
      snapshot: async (_viewerId, userId) => {
        const [u] = await accounts.rows([userId]);
        if (!u) return null;
        const s = accounts.summary(u);
        return { ownerId: u.id, snapshot: { title: `${s.displayName} (@${s.handle})`, text: u.bio, imageUrl: s.avatarUrl, context: [] } };
      },
      remove: async (userId) => {
        const [u] = await accounts.rows([userId]);
        if (!u) throw notFound('User');
        await accounts.updateProfile(userId, { displayName: u.handle, bio: '', links: [] });
      },
    });
  }
}

function dmChannel(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

function textOf(f: EventFrame): string {
  const b = f.body;
  if (b.kind === 'chat') return b.text;
  if (b.kind === 'message_deleted') return '(deleted)';
  return `(${b.kind})`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
