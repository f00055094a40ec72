import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { ChannelEvent, ChannelHistory, EventFrame, GroupMember, PublishBody, UserSummary } from '@tremolo/protocol';
import { ApiError } from './api.ts';
import { call } from './client.ts';
import { keyOf } from './queries.ts';
import { PublishError, type RealtimeClient } from './realtime.ts';

/**
 * Fan groups and direct messages: REST calls, and one `ChannelChat` per open conversation that
 * keeps the messages of a durable channel (history pages + live events, deduplicated by
 * sequence) and an outbox of my own messages (pending until acknowledged, resent with the same
 * cid after a reconnect, so the server stores each once).
 */

// ------------------------------------------------------------------ REST

/** Which conversation a chat is: its history and read position live under its module's endpoints. */
export type Conversation = { type: 'group'; id: string } | { type: 'dm'; handle: string };

function historyOf(c: Conversation, query: { before?: number; limit: number }): Promise<ChannelHistory> {
  return c.type === 'group'
    ? call(api.groups.messages, { params: { id: c.id }, query })
    : call(api.dms.messages, { params: { handle: c.handle }, query });
}

function markReadOf(c: Conversation, seq: number): Promise<unknown> {
  return c.type === 'group'
    ? call(api.groups.read, { params: { id: c.id }, body: { seq } })
    : call(api.dms.read, { params: { handle: c.handle }, body: { seq } });
}

// ------------------------------------------------------------------ the channel

type OutboxState = 'pending' | 'failed';

export type ChatItem =
  | { type: 'event'; key: string; seq: number; from: string | null; at: number; body: ChannelEvent; mine: boolean }
  | { type: 'outbox'; key: string; cid: string; at: number; body: PublishBody; state: OutboxState; error: ApiError | null };

export interface ChatSnapshot {
  items: ChatItem[];
  /** True once the newest page has arrived. */
  loaded: boolean;
  loadError: unknown;
  hasOlder: boolean;
  loadingOlder: boolean;
  olderError: unknown;
  /** Highest sequence held. */
  head: number;
  /** People typing right now (user ids), not me. */
  typing: string[];
  /** Bumped on every server event that may change the conversation's settings (announcement, roles, mutes). */
  systemTick: number;
  /** DMs: how far the other person has read (my messages up to it are "seen"). */
  peerRead: number;
}

interface OutboxItem {
  cid: string;
  at: number;
  body: PublishBody;
  state: OutboxState;
  error: ApiError | null;
  /** On the wire, waiting for its ack. */
  inFlight: boolean;
}

const PAGE = 30;
const TYPING_MS = 4000;

function newCid(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The published body as the server stores it, minus what the server adds: to recognise my own echo. */
function sameBody(sent: PublishBody, stored: ChannelEvent): boolean {
  if (sent.kind !== stored.kind) return false;
  const { fanLevel: _ignored, ...rest } = stored as ChannelEvent & { fanLevel?: number };
  return JSON.stringify(normalise(sent)) === JSON.stringify(normalise(rest));
}

function normalise(b: PublishBody | ChannelEvent): unknown {
  if (b.kind === 'chat') return { k: 'chat', text: b.text.trim(), r: b.replyTo ?? null };
  if (b.kind === 'share') return { k: 'share', t: b.target, text: b.text?.trim() ?? '' };
  return b;
}

export class ChannelChat {
  private readonly events = new Map<number, EventFrame>();
  private readonly outbox = new Map<string, OutboxItem>();
  /** cids whose stored copy already arrived (so a late ack adds nothing). */
  private readonly settled = new Set<string>();
  private readonly typingUntil = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private snap: ChatSnapshot;
  private loaded = false;
  private loadError: unknown = null;
  private hasOlder = false;
  private loadingOlder = false;
  private olderError: unknown = null;
  private systemTick = 0;
  private peerRead = 0;
  private unsub: (() => void) | null = null;
  private stopped = false;
  private readPosted = 0;
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTypingSent = 0;

  constructor(
    private readonly realtime: RealtimeClient,
    readonly channel: string,
    private readonly conversation: Conversation,
    private readonly meId: string,
    initialRead = 0,
  ) {
    this.readPosted = initialRead;
    this.snap = this.compute();
  }

  /**
   * Leaving the conversation — another screen, or the page itself going away (a reload, a typed
   * address, a closed tab, where nothing unmounts): what was on screen counts as read at once.
   */
  private readonly flushRead = (): void => {
    if (!this.readTimer) return;
    clearTimeout(this.readTimer);
    this.readTimer = null;
    const seq = this.snap.head;
    if (seq <= this.readPosted) return;
    this.readPosted = seq;
    markReadOf(this.conversation, seq).catch(() => undefined);
  };

  start(): void {
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.flushRead);
    this.unsub = this.realtime.subscribe(
      this.channel,
      (ev) => this.onEvent(ev),
      () => this.onReady(),
    );
  }

  stop(): void {
    this.flushRead();
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.flushRead);
    this.stopped = true;
    this.unsub?.();
    this.unsub = null;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.listeners.clear();
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getSnapshot = (): ChatSnapshot => this.snap;

  /** Queues a message: shown at once as pending, sent now if the link is up, else after it returns. */
  send(body: PublishBody): void {
    const cid = newCid();
    this.outbox.set(cid, { cid, at: Date.now(), body, state: 'pending', error: null, inFlight: false });
    this.changed();
    this.flush(cid);
  }

  /** Sends a failed message again under its own cid. */
  retry(cid: string): void {
    const item = this.outbox.get(cid);
    if (!item) return;
    item.state = 'pending';
    item.error = null;
    this.changed();
    this.flush(cid);
  }

  discard(cid: string): void {
    this.outbox.delete(cid);
    this.changed();
  }

  /** Tells the others I am typing, at most every few seconds. */
  typing(): void {
    const now = Date.now();
    if (now - this.lastTypingSent < 3000 || this.realtime.currentStatus !== 'open') return;
    this.lastTypingSent = now;
    this.realtime.publish(this.channel, newCid(), { kind: 'typing' }).catch(() => undefined);
  }

  async loadOlder(): Promise<void> {
    if (this.loadingOlder || !this.hasOlder) return;
    const oldest = this.oldestSeq();
    if (oldest === null) return;
    this.loadingOlder = true;
    this.olderError = null;
    this.changed();
    try {
      const page = await historyOf(this.conversation, { before: oldest, limit: PAGE });
      if (this.stopped) return;
      for (const ev of page.items) this.store(ev);
      const now = this.oldestSeq();
      this.hasOlder = page.items.length > 0 && now !== null && now > 1;
    } catch (e) {
      this.olderError = e;
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
  }

  /** The other person's read position as the server last said (it only moves forward). */
  seedPeerRead(seq: number): void {
    if (seq <= this.peerRead) return;
    this.peerRead = seq;
    this.changed();
  }

  /** Moves my read position to what is on screen (debounced). */
  markRead(): void {
    const head = this.snap.head;
    if (head <= this.readPosted || this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      const seq = this.snap.head;
      if (seq <= this.readPosted || this.stopped) return;
      this.readPosted = seq;
      markReadOf(this.conversation, seq).catch(() => {
        // A lost read position only leaves a badge; the next message tries again.
        this.readPosted = Math.min(this.readPosted, seq - 1);
      });
    }, 400);
  }

  reloadFirst(): void {
    this.loadError = null;
    this.changed();
    void this.loadNewest();
  }

  // ---------------------------------------------------------------- internals

  private onReady(): void {
    // From here on nothing is missed live; what came before comes over HTTP (first time) and
    // the realtime client has already replayed the gap since the last sequence (reconnects).
    if (!this.loaded) void this.loadNewest();
    for (const cid of this.outbox.keys()) this.flush(cid);
  }

  private async loadNewest(): Promise<void> {
    try {
      const page = await historyOf(this.conversation, { limit: PAGE });
      if (this.stopped) return;
      for (const ev of page.items) this.store(ev);
      this.loaded = true;
      this.loadError = null;
      const oldest = this.oldestSeq();
      this.hasOlder = oldest !== null && oldest > 1;
    } catch (e) {
      if (!this.loaded) this.loadError = e;
    }
    this.changed();
  }

  private flush(cid: string): void {
    const item = this.outbox.get(cid);
    if (!item || item.inFlight || item.state === 'failed' || this.stopped) return;
    if (this.realtime.currentStatus !== 'open') return; // onReady after the reconnect sends it
    item.inFlight = true;
    this.realtime.publish(this.channel, cid, item.body).then(
      ({ seq }) => {
        item.inFlight = false;
        if (!this.outbox.has(cid)) return;
        this.outbox.delete(cid);
        if (seq !== null && !this.events.has(seq) && !this.settled.has(cid)) {
          // Acknowledged means stored: show it as sent until its event (with the fan badge) arrives.
          this.events.set(seq, { t: 'ev', ch: this.channel, seq, from: this.meId, at: Date.now(), body: item.body });
        }
        this.changed();
      },
      (err: unknown) => {
        item.inFlight = false;
        if (!this.outbox.has(cid)) return;
        if (err instanceof PublishError && err.code === 'disconnected') return; // stays pending; resent on ready
        item.state = 'failed';
        item.error =
          err instanceof PublishError
            ? new ApiError(err.code === 'disconnected' ? 'network' : err.code, err.message, 0)
            : new ApiError('network', String(err), 0);
        this.changed();
      },
    );
  }

  private onEvent(ev: EventFrame): void {
    if (ev.body.kind === 'typing') {
      if (ev.from && ev.from !== this.meId) {
        this.typingUntil.set(ev.from, Date.now() + TYPING_MS);
        this.scheduleTypingExpiry();
        this.changed();
      }
      return;
    }
    if (ev.body.kind === 'dm_read') {
      if (ev.from && ev.from !== this.meId) this.seedPeerRead(ev.body.seq);
      return;
    }
    if (ev.seq === undefined) return;
    if (ev.from === this.meId && !this.events.has(ev.seq)) {
      // My own message, possibly before its ack: it replaces the pending copy.
      for (const item of this.outbox.values()) {
        if (sameBody(item.body, ev.body)) {
          this.outbox.delete(item.cid);
          this.settled.add(item.cid);
          break;
        }
      }
    }
    if (ev.from) this.typingUntil.delete(ev.from);
    this.store(ev);
    if (ev.body.kind === 'announcement' || ev.body.kind === 'member') this.systemTick++;
    this.changed();
  }

  private store(ev: EventFrame): void {
    if (ev.seq === undefined) return;
    this.events.set(ev.seq, ev);
    const b = ev.body;
    // A deletion notice turns the message it names into a tombstone, as the server's history already has.
    if (b.kind === 'message_deleted' && b.seq !== ev.seq) {
      const target = this.events.get(b.seq);
      if (target && target.body.kind !== 'message_deleted')
        this.events.set(b.seq, { ...target, body: { kind: 'message_deleted', seq: b.seq, by: b.by } });
    }
  }

  private oldestSeq(): number | null {
    let min: number | null = null;
    for (const s of this.events.keys()) if (min === null || s < min) min = s;
    return min;
  }

  private scheduleTypingExpiry(): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      const now = Date.now();
      for (const [k, until] of this.typingUntil) if (until <= now) this.typingUntil.delete(k);
      this.changed();
      if (this.typingUntil.size) this.scheduleTypingExpiry();
    }, TYPING_MS + 50);
  }

  private compute(): ChatSnapshot {
    const seqs = [...this.events.keys()].sort((a, b) => a - b);
    const items: ChatItem[] = seqs.map((seq) => {
      const ev = this.events.get(seq)!;
      return { type: 'event', key: `s${seq}`, seq, from: ev.from, at: ev.at, body: ev.body, mine: ev.from === this.meId };
    });
    for (const o of this.outbox.values()) {
      items.push({ type: 'outbox', key: `c${o.cid}`, cid: o.cid, at: o.at, body: o.body, state: o.state, error: o.error });
    }
    const now = Date.now();
    return {
      items,
      loaded: this.loaded,
      loadError: this.loadError,
      hasOlder: this.hasOlder,
      loadingOlder: this.loadingOlder,
      olderError: this.olderError,
      head: seqs.length ? seqs[seqs.length - 1]! : 0,
      typing: [...this.typingUntil].filter(([, until]) => until > now).map(([id]) => id),
      systemTick: this.systemTick,
      peerRead: this.peerRead,
    };
  }

  private changed(): void {
    if (this.stopped) return;
    this.snap = this.compute();
    for (const l of this.listeners) l();
  }
}

/** One ChannelChat for as long as the conversation is on screen. */
export function useChannelChat(
  realtime: RealtimeClient | null,
  channel: string | null,
  conversation: Conversation | null,
  meId: string | null,
  initialRead: number,
): ChannelChat | null {
  const [chat, setChat] = useState<ChannelChat | null>(null);
  // The conversation by value: a new object naming the same one must not restart the chat.
  const type = conversation?.type ?? null;
  const target = conversation === null ? null : conversation.type === 'group' ? conversation.id : conversation.handle;
  // The read position only seeds a new chat; a later value must not restart one.
  const seed = useRef(initialRead);
  seed.current = initialRead;
  useEffect(() => {
    if (!realtime || !channel || !type || !target || !meId) return;
    const c = new ChannelChat(realtime, channel, type === 'group' ? { type, id: target } : { type, handle: target }, meId, seed.current);
    c.start();
    setChat(c);
    return () => {
      c.stop();
      setChat(null);
    };
  }, [realtime, channel, type, target, meId]);
  return chat;
}

const EMPTY: ChatSnapshot = {
  items: [],
  loaded: false,
  loadError: null,
  hasOlder: false,
  loadingOlder: false,
  olderError: null,
  head: 0,
  typing: [],
  systemTick: 0,
  peerRead: 0,
};
const noop = () => () => undefined;

export function useChatSnapshot(chat: ChannelChat | null): ChatSnapshot {
  return useSyncExternalStore(chat?.subscribe ?? noop, chat ? chat.getSnapshot : () => EMPTY);
}

// ------------------------------------------------------------------ people in a conversation

export interface Person {
  user: UserSummary;
  role?: GroupMember['role'];
  fanLevel?: number;
  mutedUntil?: string | null;
}

/** The members of a group by id (names and badges for messages); grows from member events. */
export function useGroupMembers(
  groupId: string | null,
  enabled: boolean,
  refreshTick: number,
): { people: Map<string, Person>; members: GroupMember[]; error: unknown; reload: () => void } {
  const args = { params: { id: groupId ?? '' }, query: { status: 'member' as const, limit: 100 } };
  const list = useQuery<GroupMember[], ApiError>({
    queryKey: [...keyOf(api.groups.members, args), 'faces'],
    enabled: !!groupId && enabled,
    queryFn: async () => {
      const all: GroupMember[] = [];
      let cursor: string | undefined;
      // A few pages cover the faces on screen; later ones are named as they speak via member events.
      for (let i = 0; i < 5; i++) {
        const p = await call(api.groups.members, { ...args, query: { ...args.query, ...(cursor ? { cursor } : {}) } });
        all.push(...p.items);
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      return all;
    },
  });
  const { refetch } = list;
  useEffect(() => {
    if (refreshTick > 0) void refetch();
  }, [refreshTick, refetch]);
  const members = list.data ?? NO_MEMBERS;
  const people = useMemo(() => {
    const m = new Map<string, Person>();
    for (const g of members) m.set(g.user.id, { user: g.user, role: g.role, fanLevel: g.fanLevel, mutedUntil: g.mutedUntil });
    return m;
  }, [members]);
  return { people, members, error: list.error, reload: () => void refetch() };
}

const NO_MEMBERS: GroupMember[] = [];
