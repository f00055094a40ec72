import { MAX_STAGE, type GuestActionBody, type RoomRole } from '@tremolo/protocol';
import { AppError, forbidden } from '../../platform/errors.ts';

/**
 * The stage rules as pure functions: who may do what to whom, and what changes. `stage.ts`
 * applies a plan under the room's row lock, then has `media.ts` tell the SFU.
 */

export const isOnStage = (role: RoomRole): boolean => role !== 'audience';

/** One more person may come on stage only while fewer than `MAX_STAGE` are there. */
export function assertStageRoom(onStage: number): void {
  if (onStage >= MAX_STAGE)
    throw new AppError('limit_reached', `The stage holds at most ${MAX_STAGE} people (the host and ${MAX_STAGE - 1} guests)`);
}

export interface Party {
  id: string;
  role: RoomRole;
  joined: boolean;
  banned: boolean;
}

export interface GuestPlan {
  role?: RoomRole;
  micBlocked?: boolean;
  cameraBlocked?: boolean;
  /** Unpublish their feed at once. */
  stopMedia: boolean;
  /** Out of the room: their sockets stop listening and their receive connection closes. */
  leaveRoom: boolean;
  banned?: boolean;
  /** The previous co-host (if any) goes back to being a guest. */
  replacesCohost: boolean;
  /** Server-side forwarding change for the SFU. */
  forwarding?: { kind: 'audio' | 'video'; enabled: boolean };
}

const none: GuestPlan = { stopMedia: false, leaveRoom: false, replacesCohost: false };

/** What a host's action does to the target; throws for anything not allowed. */
export function planGuestAction(actor: Party, target: Party | undefined, action: GuestActionBody['action']): GuestPlan {
  if (actor.role !== 'host') throw forbidden('Only the host manages the stage');
  if (!target) throw new AppError('not_found', 'That person has not been in this room');
  if (target.id === actor.id) throw new AppError('bad_request', 'The host cannot do that to themself');
  const onStage = isOnStage(target.role);
  const needStage = () => {
    if (!onStage) throw new AppError('invalid_state', 'That person is not on stage');
  };
  switch (action) {
    case 'mute_mic':
      needStage();
      return { ...none, micBlocked: true, forwarding: { kind: 'audio', enabled: false } };
    case 'unmute_mic':
      needStage();
      return { ...none, micBlocked: false, forwarding: { kind: 'audio', enabled: true } };
    case 'camera_off':
      needStage();
      return { ...none, cameraBlocked: true, forwarding: { kind: 'video', enabled: false } };
    case 'camera_on':
      needStage();
      return { ...none, cameraBlocked: false, forwarding: { kind: 'video', enabled: true } };
    case 'to_audience':
      needStage();
      return { ...none, role: 'audience', stopMedia: true };
    case 'kick':
      if (!target.joined) throw new AppError('invalid_state', 'That person is not in the room');
      return { ...none, role: 'audience', stopMedia: onStage, leaveRoom: true };
    case 'ban':
      if (target.banned) return none;
      return { ...none, role: 'audience', stopMedia: onStage, leaveRoom: target.joined, banned: true };
    case 'unban':
      return target.banned ? { ...none, banned: false } : none;
    case 'make_cohost':
      if (target.role === 'cohost') return none;
      if (target.role !== 'guest') throw new AppError('invalid_state', 'Only a guest on stage can become the co-host');
      return { ...none, role: 'cohost', replacesCohost: true };
    case 'remove_cohost':
      if (target.role !== 'cohost') throw new AppError('invalid_state', 'That person is not the co-host');
      return { ...none, role: 'guest' };
  }
}

/** The host hands the role to the co-host; the old host stays on stage as a guest. */
export function planTransfer(actor: Party, target: Party | undefined): { newHost: string; oldHostRole: RoomRole } {
  if (actor.role !== 'host') throw forbidden('Only the host can hand the host role over');
  if (!target || !target.joined) throw new AppError('not_found', 'That person is not in the room');
  if (target.id === actor.id) throw new AppError('bad_request', 'You are already the host');
  if (target.role !== 'cohost') throw new AppError('invalid_state', 'Make them the co-host first: the host role goes to the co-host');
  return { newHost: target.id, oldHostRole: 'guest' };
}

/** Host and guests publish; nobody else, whatever they send. */
export function mayPublish(role: RoomRole, joined: boolean): boolean {
  return joined && isOnStage(role);
}
