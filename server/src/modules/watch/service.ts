import { LRUCache } from 'lru-cache';
import type { Limits } from '../../platform/auth/limits.ts';
import {
  BUFFER_WAIT_MS,
  DEFAULT_LEAD_MS,
  MAX_LEAD_MS,
  MAX_PLAYLIST,
  positionAt,
  type ChannelEvent,
  type ControlMode,
  type CreateWatchBody,
  type PlaybackState,
  type PublishBody,
  type WatchControlPublish,
  type WatchParty,
  type WatchPartyInfo,
  type WatchPreview,
  type WatchPresencePublish,
  type WatchStateEvent,
} from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { VideosService } from '../videos/service.ts';
import { WatchRepo, type PartyPatch, type PartyRow, type WatchMemberRow } from './repo.ts';

const channelOf = (partyId: string) => `watch:${partyId}`;
const linkOf = (partyId: string) => `/w/${partyId}`;

interface WatchOptions {
  /** How long the party waits for someone buffering before going on (ms). */
  bufferWaitMs?: number;
  /** A member may make the party wait at most once per this long (ms), so one bad link cannot stall everyone. */
  waitCooldownMs?: number;
}

type StateAction = WatchStateEvent['action'];

const stateOf = (p: PartyRow): PlaybackState => ({
  videoId: p.videoId,
  playing: p.playing,
  rate: p.rate,
  positionMs: p.positionMs,
  atServerMs: p.atServerMs,
  version: p.version,
  waiting: p.waiting,
});

const clampLead = (ms: number) => Math.min(MAX_LEAD_MS, Math.max(0, Math.round(ms)));

export interface WatchDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  videos: VideosService;
  realtime: Realtime;
  chatLimit: RateLimit;
  limits: Limits;
  /** This node's id, recorded beside a wait it owns the timer of. */
  nodeId: string;
  opts?: WatchOptions;
}

/**
 * Watch parties: who is in, who may control, and the authoritative playback state. Every
 * change of the state is made under the party's row lock and becomes one `watch_state`
 * event on the durable channel `watch:<id>`, scheduled `lead` ms ahead so everyone applies
 * it at the same server time.
 */
export class WatchService {
  private readonly repo: WatchRepo;
  private readonly bufferWaitMs: number;
  private readonly waitCooldownMs: number;
  /** Round trips members reported, per party (this node's view): the lead of server-made changes. */
  private readonly rtts = new Map<string, Map<string, number>>();
  /** Members who made the party wait within the last `waitCooldownMs`, as `party:user`. */
  private readonly lastWait: LRUCache<string, true>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: WatchDeps) {
    const { db, opts = {} } = deps;
    this.repo = new WatchRepo(db);
    this.bufferWaitMs = opts.bufferWaitMs ?? BUFFER_WAIT_MS;
    this.waitCooldownMs = opts.waitCooldownMs ?? 15_000;
    // Entries leave when their cooldown ends (ttlAutopurge): no more than waited recently are kept.
    this.lastWait = new LRUCache({ ttl: Math.max(1, this.waitCooldownMs), ttlAutopurge: true });
  }

  // ------------------------------------------------------------------ parties

  async create(userId: string, body: CreateWatchBody): Promise<WatchParty> {
    await this.deps.limits.consume('watchPartiesCreated', userId);
    const ids = [...new Set(body.videoIds)];
    await this.assertWatchable(userId, ids);
    const id = newId();
    await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      await repo.insertParty({
        id,
        hostId: userId,
        controlMode: body.controlMode,
        playlist: ids,
        videoId: ids[0]!,
        playing: true,
        rate: 1,
        positionMs: body.positionMs,
        atServerMs: Date.now(),
        version: 1,
      });
      await repo.upsertMember(id, userId, 'host');
    });
    return this.get(userId, id);
  }

  /** Every video must exist, be ready and be visible to `userId`; invisible ones are "not found". */
  private async assertWatchable(userId: string, ids: string[]): Promise<void> {
    for (const vid of ids) {
      const v = await this.deps.videos.visible(userId, vid);
      if (v.status !== 'ready') throw new AppError('conflict', 'That video is still processing');
    }
  }

  private async mustParty(id: string): Promise<PartyRow> {
    const p = await this.repo.party(id);
    if (!p) throw notFound('Watch party');
    return p;
  }

  /**
   * Members see the party; anyone else sees it only when they could join (they may see the
   * video playing and nobody blocks anybody), so a link to a friends-only video leaks nothing.
   */
  async get(viewerId: string, id: string): Promise<WatchParty> {
    const p = await this.mustParty(id);
    const me = await this.repo.member(id, viewerId);
    const joined = !!me && me.leftAt === null;
    if (!joined) await this.assertMayJoin(viewerId, p);
    const [info, videos] = await Promise.all([this.info(p), this.playlistVideos(viewerId, p.playlist)]);
    return {
      ...info,
      state: stateOf(p),
      videos,
      channel: channelOf(p.id),
      link: linkOf(p.id),
      serverTime: Date.now(),
      me: { joined, role: joined ? me.role : null, canControl: joined && this.mayControl(p, me) },
    };
  }

  /**
   * What the link shows before joining, logged out too: nothing unless this viewer may see the
   * video playing and nobody blocks anybody (the same rule as joining), so a private or
   * friends-only video's party stays a 404.
   */
  async preview(viewerId: string | null, id: string): Promise<WatchPreview> {
    const p = await this.mustParty(id);
    const v = await this.deps.videos.get(viewerId, p.videoId).catch(() => null);
    if (!v) throw notFound('Watch party');
    if (viewerId && p.hostId && p.hostId !== viewerId && (await this.deps.graph.isBlockedEitherWay(viewerId, p.hostId)))
      throw notFound('Watch party');
    const info = await this.info(p);
    return {
      id: p.id,
      host: info.host,
      video: { id: v.id, caption: v.caption, posterUrl: v.posterUrl, author: v.author },
      watching: info.members.length,
      link: linkOf(p.id),
    };
  }

  private async playlistVideos(viewerId: string, ids: string[]) {
    const found = await Promise.all(
      ids.map((vid) => this.deps.videos.get(viewerId, vid).catch((e: unknown) => (e instanceof AppError ? null : Promise.reject(e)))),
    );
    return found.filter((v) => v !== null);
  }

  private async assertMayJoin(userId: string, p: PartyRow): Promise<void> {
    // The current video decides: someone who may not see it must not learn the party exists.
    const v = await this.deps.videos.visible(userId, p.videoId).catch(() => null);
    if (!v) throw notFound('Watch party');
    if (p.hostId && p.hostId !== userId && (await this.deps.graph.isBlockedEitherWay(userId, p.hostId))) throw notFound('Watch party');
  }

  private async info(p: PartyRow): Promise<WatchPartyInfo> {
    const present = await this.repo.present(p.id);
    const users = await this.deps.accounts.summaries([...new Set([...present.map((m) => m.userId), ...(p.hostId ? [p.hostId] : [])])]);
    const order = { host: 0, cohost: 1, member: 2 } as const;
    const members = present
      .filter((m) => users.has(m.userId))
      .sort((a, b) => order[a.role] - order[b.role] || a.joinedAt.getTime() - b.joinedAt.getTime())
      .map((m) => ({ user: users.get(m.userId)!, role: m.role, joinedAt: m.joinedAt.toISOString() }));
    return {
      id: p.id,
      host: p.hostId ? (users.get(p.hostId) ?? null) : null,
      controlMode: p.controlMode,
      members,
      playlist: p.playlist,
      ended: false,
    };
  }

  private mayControl(p: PartyRow, m: WatchMemberRow | undefined): boolean {
    if (!m || m.leftAt !== null) return false;
    if (p.hostId === m.userId) return true;
    if (p.controlMode === 'everyone') return true;
    return p.controlMode === 'cohosts' && m.role === 'cohost';
  }

  async join(userId: string, id: string): Promise<WatchParty> {
    const p = await this.mustParty(id);
    const existing = await this.repo.member(id, userId);
    if (!existing || existing.leftAt !== null) {
      await this.assertMayJoin(userId, p);
      await this.deps.db.transaction(async (tx) => {
        const repo = new WatchRepo(tx);
        const locked = (await repo.partyForUpdate(id))!;
        // Nobody left holding the party: the one who comes back (or first arrives) hosts it.
        if (!locked.hostId) {
          await repo.updateParty(id, { hostId: userId });
          await repo.upsertMember(id, userId, 'host');
          await repo.updateMember(id, userId, { role: 'host' });
        } else {
          await repo.upsertMember(id, userId, existing?.role === 'cohost' ? 'cohost' : 'member');
        }
      });
      await this.announce(id);
    }
    return this.get(userId, id);
  }

  async leave(userId: string, id: string): Promise<void> {
    await this.mustParty(id);
    const changed = await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const p = (await repo.partyForUpdate(id))!;
      const m = await repo.member(id, userId);
      if (!m || m.leftAt !== null) return false;
      await repo.updateMember(id, userId, {
        leftAt: new Date(),
        bufferingSince: null,
        ...(m.role === 'host' ? { role: 'member' as const } : {}),
      });
      if (p.hostId === userId) {
        // The role passes on: a co-host first, else whoever has been here longest.
        const rest = (await repo.present(id)).filter((x) => x.userId !== userId);
        const next = rest.find((x) => x.role === 'cohost') ?? rest[0];
        await repo.updateParty(id, { hostId: next?.userId ?? null });
        if (next) await repo.updateMember(id, next.userId, { role: 'host' });
      }
      return true;
    });
    if (changed) await this.announce(id);
  }

  async handOver(userId: string, id: string, targetId: string): Promise<WatchParty> {
    await this.mustParty(id);
    await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const p = (await repo.partyForUpdate(id))!;
      if (p.hostId !== userId) throw forbidden('Only the host can hand the host role over');
      const target = await repo.member(id, targetId);
      if (!target || target.leftAt !== null) throw new AppError('not_found', 'That person is not in the party');
      if (targetId === userId) return;
      await repo.updateParty(id, { hostId: targetId });
      await repo.updateMember(id, targetId, { role: 'host' });
      // The old host keeps control as a co-host.
      await repo.updateMember(id, userId, { role: 'cohost' });
    });
    await this.announce(id);
    return this.get(userId, id);
  }

  async setControl(userId: string, id: string, mode: ControlMode, cohosts: string[] | undefined): Promise<WatchParty> {
    await this.mustParty(id);
    await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const p = (await repo.partyForUpdate(id))!;
      if (p.hostId !== userId) throw forbidden('Only the host can change who controls playback');
      if (cohosts) {
        const present = new Set((await repo.present(id)).map((m) => m.userId));
        const unknown = cohosts.filter((c) => !present.has(c));
        if (unknown.length)
          throw new AppError('validation_failed', 'Co-hosts must be in the party', [
            { path: 'cohosts', message: `not in the party: ${unknown.join(', ')}` },
          ]);
        await repo.demoteCohosts(id);
        for (const c of cohosts) if (c !== userId) await repo.updateMember(id, c, { role: 'cohost' });
      }
      await repo.updateParty(id, { controlMode: mode });
    });
    await this.announce(id);
    return this.get(userId, id);
  }

  async addToPlaylist(userId: string, id: string, videoIds: string[]): Promise<WatchParty> {
    const p = await this.mustParty(id);
    if (!this.mayControl(p, await this.repo.member(id, userId))) throw forbidden('You cannot change this party’s playlist');
    await this.assertWatchable(userId, videoIds);
    await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const locked = (await repo.partyForUpdate(id))!;
      const list = [...new Set([...locked.playlist, ...videoIds])];
      if (list.length > MAX_PLAYLIST) throw new AppError('limit_reached', `A playlist holds at most ${MAX_PLAYLIST} videos`);
      await repo.updateParty(id, { playlist: list });
    });
    await this.announce(id);
    return this.get(userId, id);
  }

  /** Tells everyone in the party (and the gateway's other nodes) who is here and who controls. */
  private async announce(id: string): Promise<void> {
    const p = await this.mustParty(id);
    await this.deps.realtime.publish(channelOf(id), { kind: 'watch_party', party: await this.info(p) });
  }

  // ------------------------------------------------------------------ realtime

  async canSubscribe(userId: string, id: string): Promise<boolean> {
    const m = await this.repo.member(id, userId);
    return !!m && m.leftAt === null;
  }

  async checkPublish(userId: string, id: string, body: PublishBody): Promise<boolean> {
    if (!['chat', 'reaction', 'typing', 'watch_control', 'watch_presence'].includes(body.kind)) return false;
    const [p, m] = await Promise.all([this.repo.party(id), this.repo.member(id, userId)]);
    if (!p || !m || m.leftAt !== null) return false;
    if (body.kind === 'chat' && (body.mentionAll || body.replyTo !== undefined)) return false;
    if (body.kind === 'watch_control' && !this.mayControl(p, m)) {
      throw forbidden(
        p.controlMode === 'host'
          ? 'Only the host controls playback in this party'
          : 'Only the host and co-hosts control playback in this party',
      );
    }
    return true;
  }

  async prepare(userId: string, id: string, body: PublishBody): Promise<ChannelEvent> {
    switch (body.kind) {
      case 'watch_control':
        return this.control(userId, id, body);
      case 'watch_presence':
        await this.presence(userId, id, body);
        return body;
      case 'chat':
        await this.deps.chatLimit.consume(`${id}:${userId}`, 'messages in this party');
        return body;
      default:
        return body;
    }
  }

  /** Applies a control under the row lock and returns the scheduled state everyone will apply. */
  async control(userId: string, id: string, c: WatchControlPublish): Promise<WatchStateEvent> {
    return this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const p = await repo.partyForUpdate(id);
      if (!p) throw notFound('Watch party');
      // Checked again under the lock: a hand-over may have landed since the publish check.
      if (!this.mayControl(p, await repo.member(id, userId))) throw forbidden('You cannot control playback in this party');
      const at = Date.now() + clampLead(c.leadMs ?? DEFAULT_LEAD_MS);
      const here = positionAt(p, at);
      const patch: PartyPatch = { atServerMs: at, version: p.version + 1, waiting: false };
      switch (c.action) {
        case 'play':
          Object.assign(patch, { playing: true, positionMs: c.positionMs ?? here });
          break;
        case 'pause':
          Object.assign(patch, { playing: false, positionMs: c.positionMs ?? here });
          break;
        case 'seek':
          if (c.positionMs === undefined)
            throw new AppError('validation_failed', 'A seek needs positionMs', [{ path: 'body.positionMs', message: 'required' }]);
          Object.assign(patch, { playing: p.waiting ? true : p.playing, positionMs: c.positionMs });
          break;
        case 'rate':
          if (c.rate === undefined)
            throw new AppError('validation_failed', 'A rate change needs rate', [{ path: 'body.rate', message: 'required' }]);
          Object.assign(patch, { rate: c.rate, positionMs: here, playing: p.waiting ? true : p.playing });
          break;
        case 'next': {
          const i = p.playlist.indexOf(p.videoId);
          const next = p.playlist[i + 1];
          if (!next) throw new AppError('conflict', 'This is the last video of the playlist');
          Object.assign(patch, { videoId: next, positionMs: 0, playing: true });
          break;
        }
        case 'video':
          if (!c.videoId || !p.playlist.includes(c.videoId)) throw new AppError('not_found', 'That video is not in the playlist');
          Object.assign(patch, { videoId: c.videoId, positionMs: c.positionMs ?? 0, playing: true });
          break;
      }
      const row = await repo.updateParty(id, patch);
      return { kind: 'watch_state' as const, state: stateOf(row), action: c.action, by: userId };
    });
  }

  /** Buffering members make a playing party wait for them, for a few seconds at most. */
  private async presence(userId: string, id: string, body: WatchPresencePublish): Promise<void> {
    if (body.rttMs !== undefined) {
      let m = this.rtts.get(id);
      if (!m) this.rtts.set(id, (m = new Map()));
      if (body.status === 'left') m.delete(userId);
      else m.set(userId, body.rttMs);
    }
    if (body.status === 'buffering') {
      const key = `${id}:${userId}`;
      const now = Date.now();
      await this.repo.updateMember(id, userId, { bufferingSince: new Date(now), bufferingNode: this.deps.nodeId });
      if (this.lastWait.has(key)) return;
      const ev = await this.changeState(id, null, 'wait', (p) =>
        p.playing && !p.waiting ? { playing: false, waiting: true, waitNode: this.deps.nodeId } : null,
      );
      if (!ev) return;
      this.lastWait.set(key, true);
      const version = ev.state.version;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // Go on without them: they catch up while the others watch.
        void this.changeState(id, null, 'resume', (p) =>
          p.waiting && p.version === version ? { playing: true, waiting: false } : null,
        ).catch(() => undefined);
      }, this.bufferWaitMs);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    const m = await this.repo.member(id, userId);
    if (m?.bufferingSince) {
      await this.repo.updateMember(id, userId, { bufferingSince: null, bufferingNode: null });
      if (!(await this.repo.othersBuffering(id, userId))) {
        await this.changeState(id, null, 'resume', (p) => (p.waiting ? { playing: true, waiting: false } : null));
      }
    }
  }

  /** The lead for changes the server makes itself: twice the slowest round trip reported here. */
  private serverLead(id: string): number {
    const rtts = [...(this.rtts.get(id)?.values() ?? [])];
    return clampLead(Math.max(DEFAULT_LEAD_MS, 2 * Math.max(0, ...rtts)));
  }

  private async changeState(
    id: string,
    by: string | null,
    action: StateAction,
    decide: (p: PartyRow) => PartyPatch | null,
  ): Promise<WatchStateEvent | null> {
    const ev = await this.deps.db.transaction(async (tx) => {
      const repo = new WatchRepo(tx);
      const p = await repo.partyForUpdate(id);
      if (!p) return null;
      const change = decide(p);
      if (!change) return null;
      const at = Date.now() + this.serverLead(id);
      const row = await repo.updateParty(id, { ...change, positionMs: positionAt(p, at), atServerMs: at, version: p.version + 1 });
      return { kind: 'watch_state' as const, state: stateOf(row), action, by };
    });
    if (ev) await this.deps.realtime.publish(channelOf(id), ev);
    return ev;
  }

  /**
   * A node died: its members are not buffering any more, and the parties it paused (its timers
   * would have resumed them after a few seconds) go on now.
   */
  async sweepNode(nodeId: string): Promise<void> {
    await this.repo.clearNodeBuffering(nodeId);
    for (const id of await this.repo.waitingOn(nodeId)) {
      await this.changeState(id, null, 'resume', (p) => (p.waiting && p.waitNode === nodeId ? { playing: true, waiting: false } : null));
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
