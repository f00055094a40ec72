import { z } from 'zod';
import {
  CreateGroupBody,
  DropCouponBody,
  EventFrame,
  Group,
  GroupMember,
  GroupMemberParams,
  GroupParams,
  HandleParams,
  HistoryQuery,
  JoinGroupBody,
  JoinResult,
  MembersQuery,
  ModerateBody,
  Ok,
  ReadBody,
  UpdateGroupBody,
  page,
} from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GroupsService } from './service.ts';

export function registerGroupRoutes(router: Router, groups: GroupsService, accounts: AccountsService): void {
  const tags = ['groups'];
  router.add({
    method: 'POST', url: '/api/v1/groups', auth: 'user', tags, summary: 'Create a fan group (粉丝群)',
    body: CreateGroupBody, response: Group, status: 201,
    handler: async ({ user, body }) => groups.create(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/groups/mine', auth: 'user', tags, summary: 'Groups I am in, with unread counts',
    response: z.object({ items: z.array(Group) }),
    handler: async ({ user }) => ({ items: await groups.mine(user.id) }),
  });
  router.add({
    method: 'GET', url: '/api/v1/users/:handle/groups', auth: 'optional', tags, summary: "A creator's fan groups",
    params: HandleParams, response: z.object({ items: z.array(Group) }),
    handler: async ({ user, params }) => ({ items: await groups.ofCreator(user?.id ?? null, (await accounts.byHandle(params.handle)).id) }),
  });
  router.add({
    method: 'GET', url: '/api/v1/groups/:id', auth: 'optional', tags, summary: 'A group, with my membership',
    params: GroupParams, response: Group,
    handler: async ({ user, params }) => groups.get(user?.id ?? null, params.id),
  });
  router.add({
    method: 'PATCH', url: '/api/v1/groups/:id', auth: 'user', tags, summary: 'Settings (owner), announcement and mute-all (admins)',
    params: GroupParams, body: UpdateGroupBody, response: Group,
    handler: async ({ user, params, body }) => groups.update(user.id, params.id, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/groups/:id/join', auth: 'user', tags, summary: 'Join (or ask to join) under the group rule; an invite code lets anyone in',
    params: GroupParams, body: JoinGroupBody, response: JoinResult,
    handler: async ({ user, params, body }) => groups.join(user.id, params.id, body.inviteCode),
  });
  router.add({
    method: 'POST', url: '/api/v1/groups/:id/leave', auth: 'user', tags, summary: 'Leave the group',
    params: GroupParams, response: Ok,
    handler: async ({ user, params }) => {
      await groups.leave(user.id, params.id);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'GET', url: '/api/v1/groups/:id/members', auth: 'user', tags, summary: 'Members (or, for admins, join requests) with fan levels',
    params: GroupParams, query: MembersQuery, response: page(GroupMember),
    handler: async ({ user, params, query }) => groups.members(user.id, params.id, query.status, query.cursor, query.limit),
  });
  router.add({
    method: 'POST', url: '/api/v1/groups/:id/members/:userId', auth: 'user', tags, summary: 'Moderate: mute, unmute, remove, ban, unban, approve, decline, set role',
    params: GroupMemberParams, body: ModerateBody, response: Ok,
    handler: async ({ user, params, body }) => {
      await groups.moderate(user.id, params.id, params.userId, body);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'GET', url: '/api/v1/groups/:id/messages', auth: 'user', tags, summary: 'History, newest first page by sequence (before = older)',
    params: GroupParams, query: HistoryQuery, response: z.object({ items: z.array(EventFrame), head: z.number().int() }),
    handler: async ({ user, params, query }) => groups.messages(user.id, params.id, query.before, query.limit),
  });
  router.add({
    method: 'POST', url: '/api/v1/groups/:id/read', auth: 'user', tags, summary: 'Move my read position',
    params: GroupParams, body: ReadBody, response: z.object({ unread: z.number().int() }),
    handler: async ({ user, params, body }) => groups.read(user.id, params.id, body.seq),
  });
  router.add({
    method: 'DELETE', url: '/api/v1/groups/:id/messages/:seq', auth: 'user', tags, summary: 'Delete a message (mine, or any as admin)',
    params: z.strictObject({ id: z.uuid(), seq: z.coerce.number().int().min(1) }), response: Ok,
    handler: async ({ user, params }) => {
      await groups.deleteMessage(user.id, params.id, params.seq);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'POST', url: '/api/v1/groups/:id/coupon-drops', auth: 'user', tags, summary: "Drop one of the owner's coupons into the group (admins)",
    params: GroupParams, body: DropCouponBody, response: EventFrame, status: 201,
    handler: async ({ user, params, body }) => groups.dropCoupon(user.id, params.id, body.couponId),
  });
}
