import { z } from 'zod';
import type { RoomReservation } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { JobKind, Jobs } from '../../platform/jobs/jobs.ts';
import type { RoomAccess } from './access.ts';
import type { RoomsDeps } from './context.ts';

/** Reservers told per step of the job: each step is marked done before the next is read. */
const NOTIFY_BATCH = 200;

const NotifyJob = z.object({ roomId: z.uuid() });
type NotifyJob = z.infer<typeof NotifyJob>;

type ReservationsDeps = Pick<RoomsDeps, 'repo' | 'accounts' | 'notifications' | 'limits' | 'log'> & {
  access: RoomAccess;
  jobs: Jobs;
};

/**
 * 预约: anyone who may enter a scheduled room asks to be told when it starts. When the host starts
 * it, a durable job (one per room) notifies the reservers in batches, off the host's request, and
 * marks each batch so a retried attempt carries on rather than starting over.
 */
export class RoomReservations {
  private readonly kind: JobKind<NotifyJob>;

  constructor(private readonly deps: ReservationsDeps) {
    this.kind = {
      name: 'room-reservers-notify',
      payload: NotifyJob,
      retries: 10,
      retryDelaySec: 5,
      timeoutSec: 600,
      keyed: true,
    };
    deps.jobs.work(this.kind, {
      run: ({ roomId }, job) => this.notifyReservers(roomId, job.signal),
      failed: async ({ roomId }, error) => deps.log.error({ roomId, error }, 'room: reservers not all notified'),
    });
  }

  async get(userId: string, roomId: string): Promise<RoomReservation> {
    await this.deps.access.mustSee(userId, roomId);
    return this.stateOf(roomId, userId);
  }

  async reserve(userId: string, roomId: string): Promise<RoomReservation> {
    const { repo, access, limits } = this.deps;
    const { room } = await access.mustSee(userId, roomId);
    if (room.hostId === userId || room.creatorId === userId) throw new AppError('invalid_state', 'Hosts do not reserve their own room');
    if (room.status !== 'scheduled')
      throw new AppError('invalid_state', room.status === 'live' ? 'The room is already live' : 'The room has ended');
    // A repeated reserve is a no-op and spends nothing, so a retried tap is never refused.
    if (!(await repo.isReserved(roomId, userId))) {
      await limits.consume('roomReservations', userId);
      await repo.reserve(roomId, userId);
    }
    return this.stateOf(roomId, userId);
  }

  async cancel(userId: string, roomId: string): Promise<RoomReservation> {
    const { repo, access, limits } = this.deps;
    await access.mustSee(userId, roomId);
    if (await repo.isReserved(roomId, userId)) {
      await limits.consume('roomReservations', userId);
      await repo.unreserve(roomId, userId);
    }
    return this.stateOf(roomId, userId);
  }

  /** The room went live: its reservers are told by the job. */
  async roomStarted(roomId: string): Promise<void> {
    await this.deps.jobs.enqueue(this.kind, { roomId }, { key: roomId });
    this.deps.jobs.wake(this.kind);
  }

  /** Whether this follower will hear of the start as a reserver (so the followers' notice skips them). */
  isReserver(roomId: string, userId: string): Promise<boolean> {
    return this.deps.repo.isReserved(roomId, userId);
  }

  private async stateOf(roomId: string, userId: string): Promise<RoomReservation> {
    const { repo } = this.deps;
    const [count, mine] = await Promise.all([repo.reservationCount(roomId), repo.isReserved(roomId, userId)]);
    return { count, mine };
  }

  private async notifyReservers(roomId: string, signal: AbortSignal): Promise<void> {
    const { repo, access, accounts, notifications } = this.deps;
    const room = await repo.room(roomId);
    if (!room) return;
    const actor = accounts.summary(await accounts.mustGet(room.creatorId));
    for (;;) {
      if (signal.aborted) throw new Error('aborted');
      const batch = await repo.reserversToNotify(roomId, NOTIFY_BATCH);
      if (batch.length === 0) return;
      for (const userId of batch) {
        // Who may enter is asked again: a block or an unfollow since the reservation counts.
        if ((await access.mayEnter(userId, room, await repo.member(roomId, userId))) !== null) continue;
        await notifications.notify(userId, { kind: 'room_live', actor, roomId, title: room.title, reserved: true });
      }
      await repo.markReserversNotified(roomId, batch);
    }
  }
}
