import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { ChannelEvent, EventFrame } from '@tremolo/protocol';
import { pgErrorCode, UNIQUE_VIOLATION, type Db } from '../db/client.ts';
import { channelEvents, channelHeads } from './tables.ts';

export interface AppendResult {
  frame: EventFrame;
  /** True when this client id was stored before: the caller must not fan it out again. */
  duplicate: boolean;
}

/** Durable channel history: a per-channel sequence handed out under the head row's lock. */
export class EventStore {
  constructor(private readonly db: Db) {}

  /**
   * One statement, one round trip: the head row's increment and the event insert commit
   * together (a data-modifying CTE is atomic), and the head row's lock orders concurrent
   * appends to a channel. A retried client id violates the unique index, which undoes the
   * increment too, and the stored event is returned instead.
   */
  async append(channel: string, senderId: string | null, clientId: string, body: ChannelEvent): Promise<AppendResult> {
    try {
      const result = (await this.db.execute(sql`
        with h as (
          insert into ${channelHeads} (channel, seq) values (${channel}, 1)
          on conflict (channel) do update set seq = ${channelHeads}.seq + 1
          returning seq
        )
        insert into ${channelEvents} (channel, seq, sender_id, client_id, body)
        select ${channel}, h.seq, ${senderId}::uuid, ${clientId}, ${JSON.stringify(body)}::jsonb from h
        returning seq, created_at`)) as unknown as { rows: { seq: number | string; created_at: string | Date }[] };
      const row = result.rows[0]!;
      return { frame: toFrame(channel, Number(row.seq), senderId, new Date(row.created_at), body), duplicate: false };
    } catch (e) {
      // A retry (or two concurrent retries) of one message: read what was stored.
      if (pgErrorCode(e) === UNIQUE_VIOLATION) {
        const again = await this.byClientId(channel, clientId);
        if (again) return { frame: again, duplicate: true };
      }
      throw e;
    }
  }

  async head(channel: string): Promise<number> {
    const [row] = await this.db.select({ seq: channelHeads.seq }).from(channelHeads).where(eq(channelHeads.channel, channel));
    return row?.seq ?? 0;
  }

  /** Events with seq in (after, upTo], oldest first. */
  async range(channel: string, after: number, upTo: number, limit = 500): Promise<EventFrame[]> {
    const rows = await this.db
      .select()
      .from(channelEvents)
      .where(and(eq(channelEvents.channel, channel), gt(channelEvents.seq, after), sql`${channelEvents.seq} <= ${upTo}`))
      .orderBy(asc(channelEvents.seq))
      .limit(limit);
    return rows.map((r) => toFrame(r.channel, r.seq, r.senderId, r.createdAt, r.body));
  }

  /** Replaces a stored event's body (a deleted message keeps its place in the sequence, not its content). */
  async redact(channel: string, seq: number, body: ChannelEvent): Promise<boolean> {
    const rows = await this.db
      .update(channelEvents)
      .set({ body })
      .where(and(eq(channelEvents.channel, channel), eq(channelEvents.seq, seq)))
      .returning({ seq: channelEvents.seq });
    return rows.length > 0;
  }

  /**
   * What one person published on channels of one kind (`dm`, `group`, …), a page at a time in
   * (channel, seq) order after `after`: their data archive.
   */
  async sentBy(senderId: string, kind: string, after: { channel: string; seq: number } | null, limit: number): Promise<EventFrame[]> {
    const rows = await this.db
      .select()
      .from(channelEvents)
      .where(
        and(
          eq(channelEvents.senderId, senderId),
          sql`${channelEvents.channel} like ${`${kind}:%`}`,
          after ? sql`(${channelEvents.channel}, ${channelEvents.seq}) > (${after.channel}, ${after.seq})` : undefined,
        ),
      )
      .orderBy(asc(channelEvents.channel), asc(channelEvents.seq))
      .limit(limit);
    return rows.map((r) => toFrame(r.channel, r.seq, r.senderId, r.createdAt, r.body));
  }

  /**
   * Replaces the body of everything one person published on channels of one kind with the
   * `message_deleted` tombstone (their account is deleted); sequences stay whole. Returns how many.
   */
  async redactAllBy(senderId: string, kind: string): Promise<number> {
    const rows = await this.db
      .update(channelEvents)
      .set({ body: sql`jsonb_build_object('kind', 'message_deleted', 'seq', ${channelEvents.seq}, 'by', ${channelEvents.senderId})` })
      .where(
        and(
          eq(channelEvents.senderId, senderId),
          sql`${channelEvents.channel} like ${`${kind}:%`}`,
          sql`${channelEvents.body}->>'kind' <> 'message_deleted'`,
        ),
      )
      .returning({ seq: channelEvents.seq });
    return rows.length;
  }

  /** The event stored under this client id, if any (a retried publish). */
  find(channel: string, clientId: string): Promise<EventFrame | null> {
    return this.byClientId(channel, clientId);
  }

  private async byClientId(channel: string, clientId: string): Promise<EventFrame | null> {
    const [r] = await this.db
      .select()
      .from(channelEvents)
      .where(and(eq(channelEvents.channel, channel), eq(channelEvents.clientId, clientId)));
    return r ? toFrame(r.channel, r.seq, r.senderId, r.createdAt, r.body) : null;
  }
}

function toFrame(ch: string, seq: number, from: string | null, at: Date, body: ChannelEvent): EventFrame {
  return { t: 'ev', ch, seq, from, at: at.getTime(), body };
}
