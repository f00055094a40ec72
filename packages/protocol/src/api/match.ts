import { z } from 'zod';
import { Ok } from '../common.ts';
import {
  MatchBanBody,
  MatchBlockBody,
  MatchOptIn,
  MatchOptInBody,
  MatchPrefsBody,
  MatchReportBody,
  MatchReportCreated,
  MatchReportPage,
  MatchReportParams,
  MatchReportQuery,
  MatchReviewBody,
  MatchUserParams,
} from '../match.ts';
import { endpoint } from './endpoint.ts';

const tags = ['match'] as const;
const admin = ['match', 'moderation'] as const;

/** 连线 (random video calls) and its moderation: the opt-in and reports over HTTP; queue and calls travel on channels. */
export const matchApi = {
  me: endpoint({
    method: 'GET',
    path: '/api/v1/match/me',
    auth: 'user',
    summary: '连线 opt-in state: 18+ and rules, interests, languages, cool-down, ban, ICE servers',
    tags,
    response: MatchOptIn,
  }),
  optIn: endpoint({
    method: 'PUT',
    path: '/api/v1/match/me',
    auth: 'user',
    summary: 'Opt in to 连线: confirm 18+, accept the rules, choose interests and languages (stored)',
    tags,
    body: MatchOptInBody,
    response: MatchOptIn,
  }),
  setPrefs: endpoint({
    method: 'PATCH',
    path: '/api/v1/match/me',
    auth: 'user',
    summary: 'Store the interests and languages picked in the 连线 lobby (after the opt-in)',
    tags,
    body: MatchPrefsBody,
    response: MatchOptIn,
  }),
  report: endpoint({
    method: 'POST',
    path: '/api/v1/match/reports',
    auth: 'user',
    summary: 'Report someone met in 连线 or shake, optionally with a snapshot frame of their video; ends the call',
    tags,
    body: MatchReportBody,
    response: MatchReportCreated,
    status: 201,
  }),
  block: endpoint({
    method: 'POST',
    path: '/api/v1/match/blocks',
    auth: 'user',
    summary: 'Block someone from a call: ends it, never matched again',
    tags,
    body: MatchBlockBody,
    response: Ok,
  }),
  reports: endpoint({
    method: 'GET',
    path: '/api/v1/admin/match/reports',
    auth: 'user',
    summary: 'Reports to review, newest first (moderators)',
    tags: admin,
    query: MatchReportQuery,
    response: MatchReportPage,
  }),
  snapshot: endpoint({
    method: 'GET',
    path: '/api/v1/admin/match/reports/:id/snapshot',
    auth: 'user',
    summary: 'The snapshot attached to a report (moderators only, never cached)',
    tags: admin,
    params: MatchReportParams,
    // The bytes stream through the reply; there is no JSON body to describe.
    response: z.unknown(),
    binary: 'image/jpeg',
  }),
  review: endpoint({
    method: 'PUT',
    path: '/api/v1/admin/match/reports/:id',
    auth: 'user',
    summary: 'Mark a report dismissed or actioned (moderators)',
    tags: admin,
    params: MatchReportParams,
    body: MatchReviewBody,
    response: Ok,
  }),
  ban: endpoint({
    method: 'POST',
    path: '/api/v1/admin/match/bans',
    auth: 'user',
    summary: 'Ban someone from 连线 and shake: out of the queue and any call within a second, on every node (moderators)',
    tags: admin,
    body: MatchBanBody,
    response: Ok,
  }),
  unban: endpoint({
    method: 'DELETE',
    path: '/api/v1/admin/match/bans/:userId',
    auth: 'user',
    summary: 'Lift a ban (moderators)',
    tags: admin,
    params: MatchUserParams,
    response: Ok,
  }),
};
