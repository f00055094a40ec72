import { DmList, DmThread, HistoryQuery, PeerParams, ReadBody } from '../messaging.ts';
import { UnreadCount } from '../notifications.ts';
import { ChannelHistory } from '../realtime.ts';
import { endpoint } from './endpoint.ts';

const tags = ['dms'] as const;

const answerRequest = (action: 'accept' | 'ignore') =>
  endpoint({
    method: 'POST',
    path: `/api/v1/dms/:handle/${action}`,
    auth: 'user',
    summary: `${action === 'accept' ? 'Accept' : 'Ignore'} a message request`,
    tags,
    params: PeerParams,
    response: DmThread,
  });

/** Direct messages: the conversations over HTTP; messages travel on the `dm:<a>:<b>` channel. */
export const dmsApi = {
  list: endpoint({
    method: 'GET',
    path: '/api/v1/dms',
    auth: 'user',
    summary: 'My conversations and message requests, latest first',
    tags,
    response: DmList,
  }),
  get: endpoint({
    method: 'GET',
    path: '/api/v1/dms/:handle',
    auth: 'user',
    summary: 'My conversation with this person (its channel, status, unread)',
    tags,
    params: PeerParams,
    response: DmThread,
  }),
  messages: endpoint({
    method: 'GET',
    path: '/api/v1/dms/:handle/messages',
    auth: 'user',
    summary: 'History (before = older)',
    tags,
    params: PeerParams,
    query: HistoryQuery,
    response: ChannelHistory,
  }),
  accept: answerRequest('accept'),
  ignore: answerRequest('ignore'),
  read: endpoint({
    method: 'POST',
    path: '/api/v1/dms/:handle/read',
    auth: 'user',
    summary: 'Move my read position',
    tags,
    params: PeerParams,
    body: ReadBody,
    response: UnreadCount,
  }),
};
