import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STAGE } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import { assertStageRoom, mayPublish, planGuestAction, planTransfer, type Party } from './rules.ts';

const host: Party = { id: 'h', role: 'host', joined: true, banned: false };
const guest: Party = { id: 'g', role: 'guest', joined: true, banned: false };
const cohost: Party = { id: 'c', role: 'cohost', joined: true, banned: false };
const viewer: Party = { id: 'v', role: 'audience', joined: true, banned: false };

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('room stage rules', () => {
  test('the stage holds the host and eight guests', () => {
    assert.equal(
      code(() => assertStageRoom(MAX_STAGE - 1)),
      'ok',
    );
    assert.equal(
      code(() => assertStageRoom(MAX_STAGE)),
      'limit_reached',
    );
    assert.equal(MAX_STAGE, 9);
  });

  test('only the host and people on stage publish', () => {
    assert.equal(mayPublish('host', true), true);
    assert.equal(mayPublish('cohost', true), true);
    assert.equal(mayPublish('guest', true), true);
    assert.equal(mayPublish('audience', true), false);
    assert.equal(mayPublish('guest', false), false, 'someone who left cannot publish');
  });

  test('only the host moderates, never themself', () => {
    assert.equal(
      code(() => planGuestAction(guest, viewer, 'kick')),
      'forbidden',
    );
    assert.equal(
      code(() => planGuestAction(cohost, guest, 'mute_mic')),
      'forbidden',
    );
    assert.equal(
      code(() => planGuestAction(host, host, 'kick')),
      'bad_request',
    );
    assert.equal(
      code(() => planGuestAction(host, undefined, 'kick')),
      'not_found',
    );
  });

  test('mute and camera need someone on stage and change forwarding', () => {
    assert.deepEqual(planGuestAction(host, guest, 'mute_mic').forwarding, { kind: 'audio', enabled: false });
    assert.equal(planGuestAction(host, guest, 'mute_mic').micBlocked, true);
    assert.deepEqual(planGuestAction(host, guest, 'camera_off').forwarding, { kind: 'video', enabled: false });
    assert.equal(planGuestAction(host, cohost, 'unmute_mic').micBlocked, false);
    assert.equal(
      code(() => planGuestAction(host, viewer, 'mute_mic')),
      'invalid_state',
    );
  });

  test('back to the audience, kick and ban stop media; kick and ban also leave the room', () => {
    const back = planGuestAction(host, guest, 'to_audience');
    assert.deepEqual([back.role, back.stopMedia, back.leaveRoom], ['audience', true, false]);
    const kick = planGuestAction(host, guest, 'kick');
    assert.deepEqual([kick.role, kick.stopMedia, kick.leaveRoom, kick.banned], ['audience', true, true, undefined]);
    const kickViewer = planGuestAction(host, viewer, 'kick');
    assert.equal(kickViewer.stopMedia, false, 'an audience member has no feed');
    assert.equal(
      code(() => planGuestAction(host, { ...viewer, joined: false }, 'kick')),
      'invalid_state',
    );
    const ban = planGuestAction(host, { ...guest, joined: false }, 'ban');
    assert.deepEqual([ban.banned, ban.leaveRoom], [true, false], 'someone who already left can still be banned');
    assert.equal(planGuestAction(host, { ...viewer, banned: true }, 'unban').banned, false);
  });

  test('a guest becomes the co-host, who alone can receive the host role', () => {
    assert.deepEqual(
      [planGuestAction(host, guest, 'make_cohost').role, planGuestAction(host, guest, 'make_cohost').replacesCohost],
      ['cohost', true],
    );
    assert.equal(
      code(() => planGuestAction(host, viewer, 'make_cohost')),
      'invalid_state',
    );
    assert.equal(planGuestAction(host, cohost, 'remove_cohost').role, 'guest');
    assert.deepEqual(planTransfer(host, cohost), { newHost: 'c', oldHostRole: 'guest' });
    assert.equal(
      code(() => planTransfer(host, guest)),
      'invalid_state',
    );
    assert.equal(
      code(() => planTransfer(cohost, host)),
      'forbidden',
    );
    assert.equal(
      code(() => planTransfer(host, { ...cohost, joined: false })),
      'not_found',
    );
  });
});
