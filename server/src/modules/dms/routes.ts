import { z } from 'zod';
import { DmThread, EventFrame, HistoryQuery, PeerParams, ReadBody } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { DmsService } from './service.ts';

export function registerDmRoutes(router: Router, dms: DmsService): void {
  const tags = ['dms'];
  router.add({
    method: 'GET', url: '/api/v1/dms', auth: 'user', tags, summary: 'My conversations and message requests, latest first',
    response: z.object({ items: z.array(DmThread) }),
    handler: async ({ user }) => ({ items: await dms.list(user.id) }),
  });
  router.add({
    method: 'GET', url: '/api/v1/dms/:handle', auth: 'user', tags, summary: 'My conversation with this person (its channel, status, unread)',
    params: PeerParams, response: DmThread,
    handler: async ({ user, params }) => dms.get(user.id, params.handle),
  });
  router.add({
    method: 'GET', url: '/api/v1/dms/:handle/messages', auth: 'user', tags, summary: 'History (before = older)',
    params: PeerParams, query: HistoryQuery, response: z.object({ items: z.array(EventFrame), head: z.number().int() }),
    handler: async ({ user, params, query }) => dms.messages(user.id, params.handle, query.before, query.limit),
  });
  for (const action of ['accept', 'ignore'] as const) {
    router.add({
      method: 'POST', url: `/api/v1/dms/:handle/${action}`, auth: 'user', tags, summary: `${action === 'accept' ? 'Accept' : 'Ignore'} a message request`,
      params: PeerParams, response: DmThread,
      handler: async ({ user, params }) => dms.setStatus(user.id, params.handle, action),
    });
  }
  router.add({
    method: 'POST', url: '/api/v1/dms/:handle/read', auth: 'user', tags, summary: 'Move my read position',
    params: PeerParams, body: ReadBody, response: z.object({ unread: z.number().int() }),
    handler: async ({ user, params, body }) => dms.read(user.id, params.handle, body.seq),
  });
}
