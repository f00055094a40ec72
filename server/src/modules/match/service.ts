import type { Limits } from '../../platform/auth/limits.ts';
import type {
  ChannelEvent,
  IceServer,
  MatchFoundEvent,
  MatchOptIn,
  MatchQueuePublish,
  MatchReport,
  MatchReportBody,
  MatchRingEndedEvent,
  PublishBody,
  RtcSignalPublish,
  ShakePublish,
  UserSummary,
} from '@tremolo/protocol';
import { MAX_SNAPSHOT_BYTES } from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { Bus } from '../../platform/realtime/bus.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import { Matcher, type Pair, type QueueEntry } from './matcher.ts';
import { ShakePairer, estimateShakeTime, type Shake } from './shake.ts';
import { MatchRepo, type ReportStatus } from './repo.ts';

export interface MatchOptions {
  iceServers: IceServer[];
  /** Handles that are moderators (besides the `moderators` table). */
  adminHandles: ReadonlySet<string>;
  fallbackMs: number;
  /** Two people who just met are not matched again for this long (short only in tests that need a rematch to be possible). */
  recentMs: number;
  /** Skips ("next", or leaving a call) above this per hour put the person in a cool-down. */
  skipsPerHourCooldown: number;
  skipCooldownMs: number;
  /** Distinct reporters within a day that put the reported person in a cool-down. */
  reportsForCooldown: number;
  reportCooldownMs: number;
  shakeWindowMs: number;
  /** A video call placed from a shake match rings this long before the caller hears "no answer". */
  ringMs: number;
  /** How long a person's eligibility (opt-in, cool-down, exclusions) is cached between joins. */
  cacheMs: number;
  tickMs: number;
}

/** The settings of the configuration (`MATCH_*`, `SHAKE_*`, `ADMIN_HANDLES`). */
export interface MatchSettings {
  adminHandles: string[];
  fallbackMs: number;
  recentMs: number;
  skipsPerHourCooldown: number;
  shakeWindowMs: number;
  ringMs: number;
}

export function matchOptions(settings: MatchSettings, iceServers: IceServer[]): MatchOptions {
  return {
    ...settings,
    iceServers,
    adminHandles: new Set(settings.adminHandles),
    skipCooldownMs: 15 * 60_000,
    reportsForCooldown: 3,
    reportCooldownMs: 60 * 60_000,
    cacheMs: 60_000,
    tickMs: 100,
  };
}

interface Eligibility {
  at: number;
  optedIn: boolean;
  banned: boolean;
  cooldownUntil: number | null;
  interests: string[];
  languages: string[];
  excluded: Set<string>;
  summary: UserSummary;
}

interface Call {
  id: string;
  a: string;
  b: string;
  source: 'random' | 'shake';
  /** A shake match's video call that one side placed and the other has not answered yet. */
  ring?: { from: string; at: number } | undefined;
  /** The video call of a shake match was answered: later offers are renegotiation, not a new ring. */
  answered?: boolean;
}

type Reason = Extract<ChannelEvent, { kind: 'match_ended' }>['reason'];

export interface MatchDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  realtime: Realtime;
  bus: Bus;
  limits: Limits;
  options: MatchOptions;
}

/**
 * 连线 and shake. The queue, the shake window and the live calls are in this process's memory
 * (one designated matching node; see docs/architecture.md); opt-ins, reports, bans and cool-downs
 * are in Postgres; events reach people on any node over the gateway and the bus.
 */
export class MatchService {
  readonly repo: MatchRepo;
  private readonly matcher: Matcher;
  private readonly shakes: ShakePairer;
  private readonly calls = new Map<string, Call>();
  private readonly callOf = new Map<string, string>();
  private readonly cache = new Map<string, Eligibility>();
  /** Recent call partners per person (who they may report). */
  private readonly recentPeers = new Map<string, Map<string, number>>();
  private readonly skips = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;
  private tickWaiters: ((now: number) => void)[] = [];
  /** Counters for the bench and metrics. */
  readonly stats = { joins: 0, matches: 0, shakes: 0, shakePairs: 0 };

  private readonly accounts: AccountsService;
  private readonly graph: GraphService;
  private readonly realtime: Realtime;
  private readonly limits: Limits;
  readonly options: MatchOptions;

  constructor(deps: MatchDeps) {
    this.accounts = deps.accounts;
    this.graph = deps.graph;
    this.realtime = deps.realtime;
    this.limits = deps.limits;
    this.options = deps.options;
    const { db, bus, options } = deps;
    this.repo = new MatchRepo(db);
    this.matcher = new Matcher({ fallbackMs: options.fallbackMs, recentMs: options.recentMs });
    this.shakes = new ShakePairer({ windowMs: options.shakeWindowMs });
    this.timer = setInterval(() => this.tick(), options.tickMs);
    this.timer.unref();
    // A ban published on any node takes the person out of this node's queue and call.
    bus.onEvent((frame) => {
      if (frame.body.kind === 'match_status' && frame.body.banned && frame.ch.startsWith('match:')) this.evict(frame.ch.slice(6), 'banned');
    });
  }

  close(): void {
    clearInterval(this.timer);
  }

  // ---- opt-in ----

  async optIn(userId: string, body: { interests: string[]; languages: string[] }): Promise<MatchOptIn> {
    await this.repo.upsertProfile(userId, dedupe(body.interests), dedupe(body.languages));
    this.cache.delete(userId);
    return this.me(userId);
  }

  /**
   * What the person picked in the lobby becomes their stored choice, shown again next time.
   * Separate from queueing so a join stays free of writes.
   */
  async setPrefs(userId: string, body: { interests?: string[] | undefined; languages?: string[] | undefined }): Promise<MatchOptIn> {
    const p = await this.repo.profile(userId);
    if (!p) throw optInRequired();
    const interests = body.interests ? dedupe(body.interests) : p.interests;
    const languages = body.languages ? dedupe(body.languages) : p.languages;
    if (!sameList(interests, p.interests) || !sameList(languages, p.languages)) await this.repo.setPrefs(userId, interests, languages);
    const cached = this.cache.get(userId);
    if (cached) {
      cached.interests = interests;
      cached.languages = languages;
    }
    return this.me(userId);
  }

  async me(userId: string): Promise<MatchOptIn> {
    const [p, banned, moderator] = await Promise.all([this.repo.profile(userId), this.repo.isBanned(userId), this.isModerator(userId)]);
    const cooldown = p?.cooldownUntil && p.cooldownUntil.getTime() > Date.now() ? p.cooldownUntil.toISOString() : null;
    return {
      adultConfirmedAt: p?.adultConfirmedAt.toISOString() ?? null,
      rulesAcceptedAt: p?.rulesAcceptedAt.toISOString() ?? null,
      interests: p?.interests ?? [],
      languages: p?.languages ?? [],
      cooldownUntil: cooldown,
      banned,
      moderator,
      iceServers: this.options.iceServers,
    };
  }

  private async eligibility(userId: string): Promise<Eligibility> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < this.options.cacheMs) return hit;
    const [p, banned, blocked, reported, summaries] = await Promise.all([
      this.repo.profile(userId),
      this.repo.isBanned(userId),
      this.graph.blockedEitherWayIds(userId),
      this.repo.reportedEitherWay(userId),
      this.accounts.summaries([userId]),
    ]);
    const summary = summaries.get(userId);
    if (!summary) throw notFound('User');
    const e: Eligibility = {
      at: Date.now(),
      optedIn: !!p,
      banned,
      cooldownUntil: p?.cooldownUntil?.getTime() ?? null,
      interests: p?.interests ?? [],
      languages: p?.languages ?? [],
      excluded: new Set([...blocked, ...reported]),
      summary,
    };
    this.cache.set(userId, e);
    return e;
  }

  private restriction(e: Eligibility): AppError | null {
    if (e.banned) return new AppError('forbidden', 'You may not use 连线: your account was banned from it');
    if (e.cooldownUntil && e.cooldownUntil > Date.now())
      return new AppError('rate_limited', `Take a break: you can queue again after ${new Date(e.cooldownUntil).toISOString()}`);
    return null;
  }

  // ---- the realtime channel `match:<id>` ----

  canSubscribe(userId: string, id: string): boolean {
    return userId === id;
  }

  /** Own channel: queue actions and shakes. The peer's channel: signalling and chat of the call they share. */
  checkPublish(userId: string, id: string, body: PublishBody): boolean {
    if (id === userId) return body.kind === 'match_queue' || body.kind === 'shake';
    if (body.kind !== 'rtc_signal' && body.kind !== 'match_chat' && body.kind !== 'match_decline') return false;
    const call = this.calls.get(body.callId);
    return !!call && ((call.a === userId && call.b === id) || (call.b === userId && call.a === id));
  }

  async prepare(userId: string, id: string, body: PublishBody): Promise<ChannelEvent> {
    if (body.kind === 'rtc_signal') return this.signal(userId, body);
    if (body.kind === 'match_decline') return this.decline(userId, body.callId);
    if (body.kind === 'match_chat') return body;
    if (id !== userId) throw forbidden();
    if (body.kind === 'match_queue') return this.queue(userId, body);
    if (body.kind === 'shake') return this.shake(userId, body);
    throw forbidden();
  }

  /** The person's last socket here closed or stopped listening: out of the queue, their call ends. */
  left(userId: string, id: string): void {
    if (userId !== id) return;
    this.matcher.remove(userId);
    this.shakes.remove(userId);
    this.endCallOf(userId, 'disconnected');
  }

  private async queue(userId: string, body: MatchQueuePublish): Promise<ChannelEvent> {
    if (body.action === 'leave') {
      // Leaving always works; it still counts towards the hourly skips (not the per-minute limit).
      if (this.callOf.has(userId)) await this.countSkip(userId, false);
      this.matcher.remove(userId);
      this.endCallOf(userId, 'left');
      return { kind: 'match_status', state: 'idle' };
    }
    const e = await this.eligibility(userId);
    if (!e.optedIn) throw optInRequired();
    const restricted = this.restriction(e);
    if (restricted) throw restricted;
    if (this.callOf.has(userId)) {
      await this.countSkip(userId);
      const after = this.restriction(e);
      if (after) throw after;
      this.endCallOf(userId, 'next');
    }
    this.stats.joins++;
    const entry: QueueEntry = {
      userId,
      interests: body.interests ? dedupe(body.interests) : e.interests,
      languages: body.languages ? dedupe(body.languages) : e.languages,
      joinedAt: Date.now(),
      excluded: e.excluded,
    };
    this.shakes.remove(userId);
    const pair = this.matcher.join(entry, entry.joinedAt);
    if (pair) {
      this.startCall(pair.a.userId, pair.b.userId, 'random');
      return { kind: 'match_status', state: 'in_call' };
    }
    return { kind: 'match_status', state: 'queued' };
  }

  /**
   * Signalling of a call. A shake match is not a video call yet: placing or answering one needs
   * the same 18+ opt-in as 连线, and the first offer rings the other side until they answer,
   * decline, or the ring time passes.
   */
  private async signal(userId: string, body: RtcSignalPublish): Promise<ChannelEvent> {
    if (!body.sdp && !body.candidate) throw new AppError('bad_request', 'A signal carries an sdp or a candidate');
    const call = this.calls.get(body.callId);
    if (!call || call.source !== 'shake') return body;
    if (!(await this.eligibility(userId)).optedIn)
      throw optInRequired('Confirm you are 18 or older and accept the rules before a video call');
    // The call may have ended while the opt-in was looked up.
    if (this.calls.get(call.id) !== call) throw new AppError('invalid_state', 'The call has ended');
    if (call.answered || !body.sdp) return body;
    if (body.sdp.type === 'offer') {
      if (!call.ring) {
        call.ring = { from: userId, at: Date.now() };
      } else if (call.ring.from !== userId) {
        // Both placed the call at once: each offer answers the other's ring.
        call.ring = undefined;
        call.answered = true;
      }
      return body;
    }
    // An answer: only to a ring from the other side that is still on (not declined, not timed out).
    if (!call.ring || call.ring.from === userId) throw new AppError('invalid_state', 'The video call is no longer ringing');
    call.ring = undefined;
    call.answered = true;
    return body;
  }

  /** The called person turns the ring down; the caller (whose channel this goes to) hears "declined". */
  private decline(userId: string, callId: string): MatchRingEndedEvent {
    const call = this.calls.get(callId);
    if (!call?.ring || call.ring.from === userId) throw new AppError('invalid_state', 'No video call is ringing for you');
    call.ring = undefined;
    return { kind: 'match_ring_ended', callId, reason: 'declined' };
  }

  private async countSkip(userId: string, limited = true): Promise<void> {
    if (limited) await this.limits.consume('matchSkips', userId);
    const now = Date.now();
    const list = (this.skips.get(userId) ?? []).filter((t) => now - t < 3_600_000);
    list.push(now);
    this.skips.set(userId, list);
    if (list.length >= this.options.skipsPerHourCooldown) {
      this.skips.delete(userId);
      await this.coolDown(userId, this.options.skipCooldownMs);
    }
  }

  private async coolDown(userId: string, ms: number): Promise<void> {
    const until = new Date(Date.now() + ms);
    await this.repo.setCooldown(userId, until);
    const c = this.cache.get(userId);
    if (c) c.cooldownUntil = until.getTime();
    this.matcher.remove(userId);
  }

  private async shake(userId: string, body: ShakePublish): Promise<ChannelEvent> {
    const e = await this.eligibility(userId);
    const restricted = this.restriction(e);
    if (restricted) throw restricted;
    if (this.callOf.has(userId)) this.endCallOf(userId, 'next');
    this.matcher.remove(userId);
    this.stats.shakes++;
    const s: Shake = { userId, at: estimateShakeTime(Date.now(), body.oneWayMs), excluded: e.excluded };
    if (body.lat !== undefined && body.lng !== undefined) {
      // Coarse: about a kilometre is all we keep.
      s.lat = Math.round(body.lat * 100) / 100;
      s.lng = Math.round(body.lng * 100) / 100;
    }
    this.shakes.add(s);
    return { kind: 'match_status', state: 'shaking' };
  }

  private tick(): void {
    const now = Date.now();
    for (const p of this.matcher.tick(now)) this.startPair(p);
    const settled = this.shakes.settle(now);
    for (const p of settled.pairs) {
      this.stats.shakePairs++;
      this.startCall(p.a.userId, p.b.userId, 'shake');
    }
    for (const s of settled.unmatched) void this.realtime.publish(`match:${s.userId}`, { kind: 'shake_miss' }).catch(() => undefined);
    for (const call of this.calls.values()) {
      if (!call.ring || now - call.ring.at < this.options.ringMs) continue;
      call.ring = undefined;
      const ev: MatchRingEndedEvent = { kind: 'match_ring_ended', callId: call.id, reason: 'no_answer' };
      for (const u of [call.a, call.b]) void this.realtime.publish(`match:${u}`, ev).catch(() => undefined);
    }
    const waiters = this.tickWaiters;
    this.tickWaiters = [];
    for (const w of waiters) w(now);
  }

  /**
   * Resolves with the clock of the next pass over the queue, the shakes and the rings, once it
   * has run: what happens "after the fallback" or "after the ring time" is decided by a pass, so
   * waiting for the pass that saw the deadline go by is exact where a sleep is a guess.
   */
  ticked(): Promise<number> {
    return new Promise((resolve) => this.tickWaiters.push(resolve));
  }

  private startPair(p: Pair): void {
    this.startCall(p.a.userId, p.b.userId, 'random');
  }

  private startCall(a: string, b: string, source: Call['source']): void {
    // Someone already in a call never gets a second one; whoever is free goes back to waiting.
    if (this.callOf.has(a) || this.callOf.has(b)) return;
    const call: Call = { id: newId(), a, b, source };
    this.calls.set(call.id, call);
    this.callOf.set(a, call.id);
    this.callOf.set(b, call.id);
    this.stats.matches++;
    const now = Date.now();
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let m = this.recentPeers.get(x);
      if (!m) this.recentPeers.set(x, (m = new Map()));
      m.set(y, now);
      if (m.size > 50) m.delete(m.keys().next().value!);
    }
    void this.announce(call).catch(() => this.endCall(call, 'disconnected'));
  }

  private async announce(call: Call): Promise<void> {
    const [ea, eb] = await Promise.all([this.eligibility(call.a), this.eligibility(call.b)]);
    const found = (peer: UserSummary, role: MatchFoundEvent['role']): MatchFoundEvent => ({
      kind: 'match_found',
      callId: call.id,
      source: call.source,
      peer,
      role,
      iceServers: this.options.iceServers,
    });
    await Promise.all([
      this.realtime.publish(`match:${call.a}`, found(eb.summary, 'offerer')),
      this.realtime.publish(`match:${call.b}`, found(ea.summary, 'answerer')),
    ]);
  }

  private endCallOf(userId: string, reason: Reason, peerReason?: Reason): void {
    const id = this.callOf.get(userId);
    const call = id && this.calls.get(id);
    if (call) this.endCall(call, reason, userId, peerReason);
  }

  private endCall(call: Call, reason: Reason, by?: string, peerReason?: Reason): void {
    if (this.calls.get(call.id) !== call) return;
    this.calls.delete(call.id);
    this.callOf.delete(call.a);
    this.callOf.delete(call.b);
    for (const u of [call.a, call.b]) {
      const r = u === by ? reason : (peerReason ?? reason);
      void this.realtime.publish(`match:${u}`, { kind: 'match_ended', callId: call.id, reason: r }).catch(() => undefined);
    }
  }

  /** Out of the queue, the shake window and any call (a ban, a cool-down). */
  private evict(userId: string, reason: Reason): void {
    this.matcher.remove(userId);
    this.shakes.remove(userId);
    this.cache.delete(userId);
    this.endCallOf(userId, reason, 'left');
  }

  /** Whether this person is waiting or in a call (for tests and the bench). */
  state(userId: string): 'idle' | 'queued' | 'in_call' {
    return this.callOf.has(userId) ? 'in_call' : this.matcher.has(userId) ? 'queued' : 'idle';
  }

  // ---- safety ----

  private wasPeer(userId: string, other: string): boolean {
    return this.recentPeers.get(userId)?.has(other) ?? false;
  }

  async report(userId: string, body: MatchReportBody): Promise<{ id: string }> {
    if (body.userId === userId) throw new AppError('bad_request', 'You cannot report yourself');
    if (!this.wasPeer(userId, body.userId)) throw forbidden('You can report people you met in 连线 or shake');
    // Reports feed the automatic cool-down, so one person's burst must not count as many.
    await this.limits.consume('reports', userId);
    await this.limits.consume('reportsPerTarget', `${userId}:${body.userId}`);
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
    await this.repo.insertReport({
      id,
      reporterId: userId,
      reportedId: body.userId,
      callId: body.callId ?? null,
      reason: body.reason,
      details: body.details ?? '',
      snapshotType,
      snapshotB64,
    });
    this.exclude(userId, body.userId);
    const call = this.calls.get(this.callOf.get(userId) ?? '');
    if (call && (call.a === body.userId || call.b === body.userId)) this.endCall(call, 'reported', userId, 'left');
    const reporters = await this.repo.distinctReportersSince(body.userId, new Date(Date.now() - 86_400_000));
    if (reporters >= this.options.reportsForCooldown) {
      await this.coolDown(body.userId, this.options.reportCooldownMs);
      this.evict(body.userId, 'left');
    }
    return { id };
  }

  async block(userId: string, other: string): Promise<void> {
    if (other === userId) throw new AppError('bad_request', 'You cannot block yourself');
    const target = (await this.accounts.summaries([other])).get(other);
    if (!target) throw notFound('User');
    await this.graph.block(userId, target.handle);
    this.exclude(userId, other);
    const call = this.calls.get(this.callOf.get(userId) ?? '');
    if (call && (call.a === other || call.b === other)) this.endCall(call, 'blocked', userId, 'left');
  }

  private exclude(a: string, b: string): void {
    this.matcher.exclude(a, b);
    this.cache.get(a)?.excluded.add(b);
    this.cache.get(b)?.excluded.add(a);
  }

  // ---- moderation ----

  async isModerator(userId: string): Promise<boolean> {
    if (this.options.adminHandles.size) {
      const me = (await this.accounts.summaries([userId])).get(userId);
      if (me && this.options.adminHandles.has(me.handle.toLowerCase())) return true;
    }
    return this.repo.isModerator(userId);
  }

  async assertModerator(userId: string): Promise<void> {
    if (!(await this.isModerator(userId))) throw forbidden('Moderators only');
  }

  async reports(
    modId: string,
    status: ReportStatus,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: MatchReport[]; nextCursor: string | null }> {
    await this.assertModerator(modId);
    const rows = await this.repo.reports(status, cursor, limit);
    const page = rows.slice(0, limit);
    const people = [...new Set(page.flatMap((r) => [r.reporterId, r.reportedId]))];
    const [users, open, banned] = await Promise.all([
      this.accounts.summaries(people),
      this.repo.openCounts(people),
      this.repo.bannedAmong(people),
    ]);
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
    await this.assertModerator(modId);
    const s = await this.repo.snapshot(reportId);
    if (!s?.b64 || !s.type) throw notFound('Snapshot');
    return { type: s.type, bytes: Buffer.from(s.b64, 'base64') };
  }

  async review(modId: string, reportId: string, status: ReportStatus): Promise<void> {
    await this.assertModerator(modId);
    if (!(await this.repo.review(reportId, status, modId))) throw notFound('Report');
  }

  async ban(modId: string, userId: string, reason: string, reportId?: string): Promise<void> {
    await this.assertModerator(modId);
    if (userId === modId) throw new AppError('bad_request', 'You cannot ban yourself');
    if (!(await this.accounts.summaries([userId])).has(userId)) throw notFound('User');
    await this.repo.ban(userId, reason, modId);
    if (reportId) await this.repo.review(reportId, 'actioned', modId);
    this.evict(userId, 'banned');
    // Every node (and the person's own sockets) hears it: the bus handler above evicts there too.
    await this.realtime.publish(`match:${userId}`, { kind: 'match_status', state: 'idle', banned: true });
  }

  async unban(modId: string, userId: string): Promise<void> {
    await this.assertModerator(modId);
    await this.repo.unban(userId);
    this.cache.delete(userId);
  }
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function optInRequired(message = 'Confirm you are 18 or older and accept the rules first'): AppError {
  return new AppError('opt_in_required', message);
}

function looksLikeImage(b: Buffer): boolean {
  if (b.length < 12) return false;
  const jpeg = b[0] === 0xff && b[1] === 0xd8;
  const png = b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const webp = b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
  return jpeg || png || webp;
}
