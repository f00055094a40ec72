import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Cluster } from '../cluster/cluster.ts';
import { NodeUnreachable, type NodeRpc } from '../cluster/rpc.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { PublishResult, SfuAdapter, SfuEvent, SfuStats, SubscriptionOffer } from './sfu.ts';
import { mediaRooms } from './tables.ts';

/** One SFU call, as it travels to the node that owns the room. */
const SfuCall = z.discriminatedUnion('op', [
  z.object({ op: z.literal('open'), roomId: z.string() }),
  z.object({ op: z.literal('close'), roomId: z.string() }),
  z.object({ op: z.literal('publish'), roomId: z.string(), publisherId: z.string(), offerSdp: z.string() }),
  z.object({ op: z.literal('unpublish'), roomId: z.string(), publisherId: z.string() }),
  z.object({ op: z.literal('subscribe'), roomId: z.string(), subscriberId: z.string(), publisherIds: z.array(z.string()) }),
  z.object({ op: z.literal('answer'), roomId: z.string(), subscriberId: z.string(), answerSdp: z.string() }),
  z.object({ op: z.literal('leave'), roomId: z.string(), subscriberId: z.string() }),
  z.object({
    op: z.literal('layer'),
    roomId: z.string(),
    subscriberId: z.string(),
    publisherId: z.string(),
    layer: z.enum(['high', 'low']),
  }),
  z.object({
    op: z.literal('forward'),
    roomId: z.string(),
    publisherId: z.string(),
    kind: z.enum(['audio', 'video']),
    enabled: z.boolean(),
  }),
]);
type SfuCall = z.infer<typeof SfuCall>;

const RPC_METHOD = 'sfu';

export interface ClusteredSfuDeps {
  db: Db;
  cluster: Cluster;
  rpc: NodeRpc;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * werift on several nodes. Its media lives in one process, so each room has one owner node,
 * recorded in `media_rooms`: the first node that needs the room claims it, and every node
 * (the owner included) sends the room's calls to the owner, so the load balancer needs no
 * routing rule. When the owner dies, the survivor sweeping it forgets its rooms and says
 * `room_moved`; the rooms module then has every client connect again, and the first call
 * claims the room on a live node.
 */
export class ClusteredSfu implements SfuAdapter {
  readonly name = 'werift';
  private readonly listeners: ((e: SfuEvent) => void)[] = [];

  constructor(
    private readonly local: SfuAdapter,
    private readonly deps: ClusteredSfuDeps,
  ) {
    local.onEvent((e) => this.emit(e));
    deps.rpc.handle(RPC_METHOD, (args) => this.serve(SfuCall.parse(args)));
    deps.cluster.onNodeDead('media: rooms', (nodeId) => this.sweep(nodeId));
  }

  start(): Promise<void> {
    return this.local.start();
  }

  async openRoom(roomId: string): Promise<void> {
    await this.claimed(roomId, { op: 'open', roomId });
  }

  async closeRoom(roomId: string): Promise<void> {
    const owner = await this.ownerOf(roomId);
    if (!owner) return;
    // Forgotten first, so no call that comes meanwhile is sent to a room being closed.
    await this.deps.db.delete(mediaRooms).where(and(eq(mediaRooms.roomId, roomId), eq(mediaRooms.nodeId, owner)));
    await this.send(owner, { op: 'close', roomId }).catch((err: unknown) =>
      this.deps.log.warn({ err, roomId }, 'media: room not closed on its node'),
    );
  }

  async publish(roomId: string, publisherId: string, offerSdp: string): Promise<PublishResult> {
    return (await this.claimed(roomId, { op: 'publish', roomId, publisherId, offerSdp })) as PublishResult;
  }

  async unpublish(roomId: string, publisherId: string): Promise<void> {
    await this.existing(roomId, { op: 'unpublish', roomId, publisherId });
  }

  async subscribe(roomId: string, subscriberId: string, publisherIds: string[]): Promise<SubscriptionOffer> {
    return (await this.claimed(roomId, { op: 'subscribe', roomId, subscriberId, publisherIds })) as SubscriptionOffer;
  }

  async answerSubscription(roomId: string, subscriberId: string, answerSdp: string): Promise<void> {
    if (!(await this.existing(roomId, { op: 'answer', roomId, subscriberId, answerSdp }))) throw reset();
  }

  async leave(roomId: string, subscriberId: string): Promise<void> {
    await this.existing(roomId, { op: 'leave', roomId, subscriberId });
  }

  async setLayer(roomId: string, subscriberId: string, publisherId: string, layer: 'high' | 'low'): Promise<void> {
    if (!(await this.existing(roomId, { op: 'layer', roomId, subscriberId, publisherId, layer }))) throw reset();
  }

  async setForwarding(roomId: string, publisherId: string, kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    await this.existing(roomId, { op: 'forward', roomId, publisherId, kind, enabled });
  }

  onEvent(listener: (event: SfuEvent) => void): void {
    this.listeners.push(listener);
  }

  /** This node's share: the rooms it owns. */
  stats(): SfuStats {
    return this.local.stats();
  }

  close(): Promise<void> {
    return this.local.close();
  }

  private emit(e: SfuEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** The room's owner, claimed by this node if it has none; the call then goes there. */
  private async claimed(roomId: string, call: SfuCall): Promise<unknown> {
    const me = this.deps.cluster.nodeId;
    const [mine] = await this.deps.db.insert(mediaRooms).values({ roomId, nodeId: me }).onConflictDoNothing().returning();
    const owner = mine ? me : await this.ownerOf(roomId);
    // Released between our insert and read (its owner was just swept): this node takes it.
    if (!owner) return this.claimed(roomId, call);
    return this.send(owner, call);
  }

  /** Sent to the owner if the room has one; false when it has none (nothing of it exists anywhere). */
  private async existing(roomId: string, call: SfuCall): Promise<boolean> {
    const owner = await this.ownerOf(roomId);
    if (!owner) return false;
    await this.send(owner, call);
    return true;
  }

  private async ownerOf(roomId: string): Promise<string | null> {
    const [row] = await this.deps.db.select({ nodeId: mediaRooms.nodeId }).from(mediaRooms).where(eq(mediaRooms.roomId, roomId));
    return row?.nodeId ?? null;
  }

  private async send(owner: string, call: SfuCall): Promise<unknown> {
    if (owner === this.deps.cluster.nodeId) return this.run(call);
    try {
      return await this.deps.rpc.call(owner, RPC_METHOD, call);
    } catch (err) {
      if (err instanceof NodeUnreachable)
        throw new AppError('media_unavailable', "The room's media server is changing; try again in a moment");
      throw err;
    }
  }

  /** Another node's call: run only while this node still owns the room (it may have been swept as dead). */
  private async serve(call: SfuCall): Promise<unknown> {
    const owner = await this.ownerOf(call.roomId);
    if (owner !== this.deps.cluster.nodeId && call.op !== 'close') throw reset();
    return this.run(call);
  }

  /** A call this node runs on its own werift, as the room's owner. */
  private async run(call: SfuCall): Promise<unknown> {
    const { local } = this;
    // Only what may start media opens the room; a late leave or answer must not bring a closed one back.
    if (call.op === 'open' || call.op === 'publish' || call.op === 'subscribe') await local.openRoom(call.roomId);
    switch (call.op) {
      case 'open':
        return null;
      case 'close':
        return local.closeRoom(call.roomId);
      case 'publish':
        return local.publish(call.roomId, call.publisherId, call.offerSdp);
      case 'unpublish':
        return local.unpublish(call.roomId, call.publisherId);
      case 'subscribe':
        return local.subscribe(call.roomId, call.subscriberId, call.publisherIds);
      case 'answer':
        return local.answerSubscription(call.roomId, call.subscriberId, call.answerSdp);
      case 'leave':
        return local.leave(call.roomId, call.subscriberId);
      case 'layer':
        return local.setLayer(call.roomId, call.subscriberId, call.publisherId, call.layer);
      case 'forward':
        return local.setForwarding(call.roomId, call.publisherId, call.kind, call.enabled);
    }
  }

  /** A dead (or leaving) node's rooms are free again; their people connect anew. */
  private async sweep(nodeId: string): Promise<void> {
    const freed = await this.deps.db.delete(mediaRooms).where(eq(mediaRooms.nodeId, nodeId)).returning({ roomId: mediaRooms.roomId });
    if (nodeId === this.deps.cluster.nodeId) for (const { roomId } of freed) await this.local.closeRoom(roomId);
    for (const { roomId } of freed) this.emit({ type: 'room_moved', roomId });
    if (freed.length) this.deps.log.info({ nodeId, rooms: freed.length }, 'media: rooms of a gone node freed');
  }
}

const reset = () => new AppError('invalid_state', 'The media connection was reset; connect again');
