import type { ChannelEvent, DmThread, EventFrame, MessagePreview, NotificationPayload, PublishBody } from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { ChannelHistory } from '../groups/service.ts';
import { DmsRepo, type ThreadRow } from './repo.ts';

/** Messages someone who is not a friend may send before the receiver accepts. */
const REQUEST_ALLOWANCE = 3;

function dmChannel(a: string, b: string): { channel: string; aId: string; bId: string } {
  const [aId, bId] = a < b ? [a, b] : [b, a];
  return { channel: `dm:${aId}:${bId}`, aId, bId };
}

export interface DmsDeps {
  db: Db;
  accounts: AccountsService;
  graph: GraphService;
  notifications: NotificationsService;
  history: ChannelHistory;
  realtime: Realtime;
  messageLimit: RateLimit;
}

/**
 * Direct messages. Friends talk freely; anyone else starts a message request, limited to a
 * few messages until the receiver accepts (replying accepts too); ignoring silences it; a
 * block either way stops everything.
 */
/** Hears each DM for its receiver (DMs are not inbox items; web push still tells their devices). */
export type DmMessageListener = (receiverId: string, message: Extract<NotificationPayload, { kind: 'dm' }>) => Promise<void>;
/** Hears a person reading a conversation (web push closes its notifications on their other devices). */
export type DmReadListener = (readerId: string, peerHandle: string) => Promise<void>;

export class DmsService {
  private readonly repo: DmsRepo;
  private readonly messageListeners: DmMessageListener[] = [];
  private readonly readListeners: DmReadListener[] = [];

  constructor(private readonly deps: DmsDeps) {
    this.repo = new DmsRepo(deps.db);
  }

  onMessage(listener: DmMessageListener): void {
    this.messageListeners.push(listener);
  }

  onRead(listener: DmReadListener): void {
    this.readListeners.push(listener);
  }

  private thread(aId: string, bId: string): Promise<ThreadRow | undefined> {
    return this.repo.thread(aId, bId);
  }

  async get(meId: string, handle: string): Promise<DmThread> {
    const peer = await this.deps.accounts.byHandle(handle);
    if (peer.id === meId) throw new AppError('bad_request', 'You cannot message yourself');
    const { aId, bId } = dmChannel(meId, peer.id);
    return this.toDto(meId, peer.id, await this.thread(aId, bId));
  }

  async list(meId: string): Promise<DmThread[]> {
    const rows = await this.repo.threadsOf(meId, 200);
    return Promise.all(rows.map((t) => this.toDto(meId, t.aId === meId ? t.bId : t.aId, t)));
  }

  private async toDto(meId: string, peerId: string, t: ThreadRow | undefined): Promise<DmThread> {
    const { channel, aId } = dmChannel(meId, peerId);
    const [peer, head, friends] = await Promise.all([
      this.deps.accounts.summaries([peerId]).then((m) => m.get(peerId)!),
      this.deps.history.head(channel),
      this.deps.graph.areFriends(meId, peerId),
    ]);
    const lastReadSeq = t ? (meId === aId ? t.aLastRead : t.bLastRead) : 0;
    const peerLastReadSeq = t ? (meId === aId ? t.bLastRead : t.aLastRead) : 0;
    let status: DmThread['status'] = 'open';
    if (!friends && t && t.status !== 'open') {
      if (t.status === 'ignored') status = t.requestedBy === meId ? 'request_sent' : 'ignored';
      else status = t.requestedBy === meId ? 'request_sent' : 'request_received';
    } else if (!friends && !t) status = 'request_sent';
    return {
      peer,
      channel,
      status,
      requestAllowance: status === 'request_sent' ? Math.max(0, REQUEST_ALLOWANCE - (t?.requestCount ?? 0)) : null,
      head,
      lastReadSeq,
      peerLastReadSeq,
      unread: Math.max(0, head - lastReadSeq),
      lastMessageAt: t?.lastMessageAt?.toISOString() ?? null,
      preview: t?.previewKind ? { kind: t.previewKind, text: t.preview ?? '', mine: t.previewFrom === meId } : null,
    };
  }

  /**
   * Unread direct messages over all my conversations: the chats badge. A request I ignored does
   * not count; its messages stay readable in the list.
   */
  async unreadTotal(meId: string): Promise<number> {
    const rows = await this.repo.threadsOf(meId, 200);
    const counts = await Promise.all(
      rows.map(async (t) => {
        if (t.status === 'ignored' && t.requestedBy !== meId) return 0;
        const head = await this.deps.history.head(dmChannel(t.aId, t.bId).channel);
        return Math.max(0, head - (meId === t.aId ? t.aLastRead : t.bLastRead));
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async setStatus(meId: string, handle: string, action: 'accept' | 'ignore'): Promise<DmThread> {
    const peer = await this.deps.accounts.byHandle(handle);
    const { aId, bId } = dmChannel(meId, peer.id);
    const t = await this.thread(aId, bId);
    if (!t || t.status === 'open' || t.requestedBy === meId) throw notFound('Message request');
    await this.repo.setStatus(aId, bId, action === 'accept' ? 'open' : 'ignored');
    return this.get(meId, handle);
  }

  async messages(meId: string, handle: string, before: number | undefined, limit: number): Promise<{ items: EventFrame[]; head: number }> {
    const peer = await this.deps.accounts.byHandle(handle);
    const { channel } = dmChannel(meId, peer.id);
    const head = await this.deps.history.head(channel);
    const upTo = Math.min(head, (before ?? head + 1) - 1);
    return { items: upTo > 0 ? await this.deps.history.range(channel, Math.max(0, upTo - limit), upTo, limit) : [], head };
  }

  async read(meId: string, handle: string, seq: number): Promise<{ unread: number }> {
    const peer = await this.deps.accounts.byHandle(handle);
    const { channel, aId, bId } = dmChannel(meId, peer.id);
    const head = await this.deps.history.head(channel);
    if (seq > head) throw new AppError('validation_failed', `There is no message ${seq} yet (the latest is ${head})`);
    await this.repo.markRead(aId, bId, meId === aId ? 'a' : 'b', seq);
    // Marks only move forward: what is told is the mark as stored, not a late, lower report.
    const t = await this.thread(aId, bId);
    const mark = t ? (meId === aId ? t.aLastRead : t.bLastRead) : seq;
    await Promise.all([
      this.deps.notifications.publishBadges(meId),
      this.deps.realtime.publish(channel, { kind: 'dm_read', seq: mark }, { senderId: meId }),
      ...this.readListeners.map((l) => l(meId, peer.handle)),
    ]);
    return { unread: Math.max(0, head - mark) };
  }

  // ------------------------------------------------------------ realtime policy hooks

  private parties(meId: string, id: string): { peerId: string; aId: string; bId: string } | null {
    const m = /^([0-9a-f-]{36}):([0-9a-f-]{36})$/.exec(id);
    if (!m || m[1]! >= m[2]!) return null;
    if (meId !== m[1] && meId !== m[2]) return null;
    return { peerId: meId === m[1] ? m[2]! : m[1]!, aId: m[1]!, bId: m[2]! };
  }

  async canSubscribe(meId: string, id: string): Promise<boolean> {
    return this.parties(meId, id) !== null;
  }

  async checkPublish(meId: string, id: string, body: PublishBody): Promise<boolean> {
    if (!['chat', 'share', 'image', 'typing'].includes(body.kind)) return false;
    const p = this.parties(meId, id);
    if (!p) return false;
    // A thread needs two real people: a made-up peer id would reach the database as a broken foreign key.
    if (!(await this.deps.accounts.summaries([p.peerId])).has(p.peerId)) return false;
    if (await this.deps.graph.isBlockedEitherWay(meId, p.peerId)) throw new AppError('blocked', 'You cannot message this person');
    if (body.kind === 'typing') return true;
    await this.deps.messageLimit.consume(meId, 'messages; slow down');
    const rights = this.deps.accounts.rights;
    // An invitation to a watch party or a room is also an invitation: the receiver's setting for those applies.
    if (body.kind === 'share' && (body.target.type === 'watch' || body.target.type === 'room')) {
      await rights.assertMayReach(meId, p.peerId, 'invites');
    }
    if (await this.deps.graph.areFriends(meId, p.peerId)) {
      await this.repo.openThread(p.aId, p.bId);
      return true;
    }
    let t = await this.thread(p.aId, p.bId);
    // Who may message the receiver: a conversation they opened or accepted is theirs already.
    if (!t || (t.status !== 'open' && t.requestedBy === meId)) await rights.assertMayReach(meId, p.peerId, 'messages');
    if (!t) {
      // Only the send that creates the thread gets the first message for free; sends racing it
      // (other sockets, other nodes) find the thread and go through the guarded increment below.
      if (await this.repo.createRequest(p.aId, p.bId, meId)) return true;
      t = await this.thread(p.aId, p.bId);
      if (!t) throw new AppError('conflict', 'This conversation changed meanwhile; send again');
    }
    if (t.status === 'open') return true;
    if (t.requestedBy !== meId) {
      // Replying to a request accepts it.
      await this.repo.setStatus(p.aId, p.bId, 'open');
      return true;
    }
    if (!(await this.repo.takeRequestMessage(p.aId, p.bId, REQUEST_ALLOWANCE)))
      throw new AppError('rate_limited', `Wait for a reply: message requests are limited to ${REQUEST_ALLOWANCE} messages`);
    return true;
  }

  async afterPublish(meId: string, id: string, frame: EventFrame): Promise<void> {
    const p = this.parties(meId, id);
    if (!p) return;
    const preview = previewOf(frame.body);
    if (!preview) return;
    await this.repo.recordMessage(p.aId, p.bId, { at: new Date(frame.at), preview, senderId: meId, seq: frame.seq ?? 0 });
    // A DM counts once, in the chats badge (never also as a notification). Both people's counts
    // may move: the receiver's goes up, the sender's own unread in this thread is now read.
    const t = await this.thread(p.aId, p.bId);
    const silenced = t?.status === 'ignored' && t.requestedBy === meId;
    await Promise.all([this.deps.notifications.publishBadges(meId), silenced ? null : this.deps.notifications.publishBadges(p.peerId)]);
    if (silenced || this.messageListeners.length === 0) return;
    const actor = (await this.deps.accounts.summaries([meId])).get(meId);
    if (!actor) return;
    // Only a text's words travel; a shared thing or an image is worded by whoever shows it.
    const message = { kind: 'dm' as const, actor, request: t?.status !== 'open', preview: preview.kind === 'text' ? preview.text : '' };
    for (const l of this.messageListeners) await l(p.peerId, message);
  }
}

function previewOf(body: ChannelEvent): Omit<MessagePreview, 'mine'> | null {
  switch (body.kind) {
    case 'chat':
      return { kind: 'text', text: body.text.slice(0, 80) };
    case 'share':
      return { kind: body.target.type, text: (body.text ?? '').slice(0, 80) };
    case 'image':
      return { kind: 'image', text: '' };
    default:
      return null;
  }
}
