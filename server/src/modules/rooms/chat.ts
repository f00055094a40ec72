import type { ChannelEvent, EventFrame, PublishBody } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { RoomAccess } from './access.ts';
import { channelOf, type RoomsDeps } from './context.ts';

type ChatDeps = Pick<RoomsDeps, 'repo' | 'store' | 'fans' | 'chatLimit' | 'moderation'> & { access: RoomAccess };

/**
 * The room's chat: the shared `chat` body published on `room:<id>` (stored with a sequence, rate
 * limited, stamped with the sender's fan level with the host), counted for the summary, and paged.
 */
export class RoomChat {
  constructor(private readonly deps: ChatDeps) {}

  async checkPublish(userId: string, id: string, body: PublishBody): Promise<boolean> {
    if (body.kind !== 'chat' || body.mentionAll || body.replyTo !== undefined) return false;
    const [room, m] = await Promise.all([this.deps.repo.room(id), this.deps.repo.member(id, userId)]);
    if (!room || !m?.joined || m.bannedAt) return false;
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    return true;
  }

  async prepare(userId: string, id: string, body: PublishBody): Promise<ChannelEvent> {
    if (body.kind !== 'chat') return body;
    await this.deps.chatLimit.consume(`${id}:${userId}`, 'messages in this room');
    const room = await this.deps.access.mustRoom(id);
    const prepared = { ...body, fanLevel: await this.deps.fans.level(room.hostId, userId) };
    // The creator's list applies in their room, whoever hosts it now.
    await this.deps.moderation.screen({
      surface: 'room',
      placeId: id,
      placeName: room.title,
      ownerId: room.creatorId,
      authorId: userId,
      text: body.text,
      payload: prepared,
    });
    return prepared;
  }

  async afterPublish(id: string, frame: EventFrame): Promise<void> {
    if (frame.body.kind === 'chat') await this.deps.repo.countMessage(id);
  }

  async messages(viewerId: string, id: string, before: number | undefined, limit: number): Promise<{ items: EventFrame[]; head: number }> {
    const { store } = this.deps;
    await this.deps.access.mustSee(viewerId, id);
    const ch = channelOf(id);
    const head = await store.head(ch);
    const upTo = Math.min(head, (before ?? head + 1) - 1);
    const items = upTo > 0 ? await store.range(ch, Math.max(0, upTo - limit), upTo, limit) : [];
    return { items: items.filter((f) => f.body.kind === 'chat'), head };
  }
}
