import { z } from 'zod';
import {
  AftersalesIdParams,
  AftersalesList,
  AftersalesPhotoParams,
  AftersalesPhotoQuery,
  AftersalesRequest,
  DecideAftersalesBody,
  EscalatedPage,
  EscalatedQuery,
  DeclineAftersalesBody,
  EscalateAftersalesBody,
  OpenAftersalesBody,
  ShipBackBody,
} from '../aftersales.ts';
import { IdParams } from '../shop.ts';
import { endpoint } from './endpoint.ts';

const tags = ['aftersales'] as const;
const step = (path: string, summary: string) =>
  ({ method: 'POST', path: `/api/v1/shop/aftersales/:id/${path}`, auth: 'user', summary, tags, params: AftersalesIdParams }) as const;

/** After-sales requests on order lines: open, photos, the seller's answer, the return, escalation to moderators. */
export const aftersalesApi = {
  open: endpoint({
    method: 'POST',
    path: '/api/v1/shop/aftersales',
    auth: 'user',
    summary: 'Ask for a refund (or a return and refund) of some units of one line of my order; photos are added after, one upload each',
    tags,
    body: OpenAftersalesBody,
    response: AftersalesRequest,
    status: 201,
    errors: ['invalid_state', 'conflict', 'rate_limited'],
  }),
  addPhoto: endpoint({
    ...step('photos', 'Add a photo to my open request (multipart field "file"; JPEG, PNG or WebP, at least 200×200; at most 6)'),
    upload: { file: 'file' },
    response: AftersalesRequest,
    status: 201,
    errors: ['invalid_state', 'limit_reached', 'rate_limited'],
  }),
  photo: endpoint({
    method: 'GET',
    path: '/api/v1/shop/aftersales/:id/photos/:photoId',
    auth: 'user',
    summary: "A request's photo (WebP); only its buyer, its seller and moderators, as the photos may show an address",
    tags,
    params: AftersalesPhotoParams,
    query: AftersalesPhotoQuery,
    response: z.never(),
    binary: 'image/webp',
    errors: ['not_found'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/api/v1/shop/aftersales/:id',
    auth: 'user',
    summary: 'One request with its timeline (its buyer, its seller or a moderator)',
    tags,
    params: AftersalesIdParams,
    response: AftersalesRequest,
  }),
  ofOrder: endpoint({
    method: 'GET',
    path: '/api/v1/shop/orders/:id/aftersales',
    auth: 'user',
    summary: 'The after-sales requests of one order (its buyer or seller), newest first',
    tags,
    params: IdParams,
    response: AftersalesList,
  }),
  accept: endpoint({
    ...step('accept', 'Accept a request (seller): a refund-only request is refunded at once; a return waits for the goods'),
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'rate_limited'],
  }),
  decline: endpoint({
    ...step('decline', 'Decline a request with a reason (seller); the buyer may escalate it to moderators'),
    body: DeclineAftersalesBody,
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'rate_limited'],
  }),
  shipBack: endpoint({
    ...step('ship-back', 'Say how the goods were sent back (buyer, after the seller accepted a return)'),
    body: ShipBackBody,
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'rate_limited'],
  }),
  receive: endpoint({
    ...step('receive', 'Confirm the returned goods arrived (seller): the units go back to stock and the money to the buyer'),
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'rate_limited'],
  }),
  escalate: endpoint({
    ...step('escalate', 'Ask moderators to look at a declined request (buyer, once)'),
    body: EscalateAftersalesBody,
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'conflict', 'rate_limited'],
  }),
  escalated: endpoint({
    method: 'GET',
    path: '/api/v1/moderation/aftersales',
    auth: 'user',
    summary: 'Escalated after-sales requests waiting for a decision, oldest first, a page at a time (moderators)',
    tags,
    query: EscalatedQuery,
    response: EscalatedPage,
    errors: ['forbidden'],
  }),
  decide: endpoint({
    ...step('decide', 'Decide an escalated request (moderators): refund the buyer, or uphold the decline'),
    body: DecideAftersalesBody,
    response: AftersalesRequest,
    errors: ['forbidden', 'invalid_state', 'rate_limited'],
  }),
};
