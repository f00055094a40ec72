import { z } from 'zod';
import { text } from './common.ts';

/** Every machine-readable error code the API and the realtime gateway can return. */
export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'invalid_credentials',
  'csrf_failed',
  'forbidden',
  'blocked',
  'not_found',
  'handle_taken',
  'already_following',
  'conflict',
  'payload_too_large',
  /** A path parameter over the router's length limit. */
  'uri_too_long',
  'unsupported_media_type',
  /** Refused by the HTTP parser before any route ran. */
  'headers_too_large',
  'request_timeout',
  'unprocessable',
  'rate_limited',
  'unsupported_version',
  'unknown_channel',
  'not_subscribed',
  'slow_consumer',
  /** 连线, and a video call from a shake match, need the stored 18+ confirmation and the rules first. */
  'opt_in_required',
  // Shop: each names what went wrong so a client can say it plainly.
  'out_of_stock',
  'sold_out',
  'limit_reached',
  /** The buyer already holds the most units allowed in unpaid orders: pay or cancel one first. */
  'too_many_unpaid',
  'invalid_state',
  'coupon_unavailable',
  'payment_declined',
  'idempotency_mismatch',
  /** The cart (or the part of it being checked out) changed or was checked out meanwhile, e.g. from another tab. */
  'cart_changed',
  'signature_invalid',
  // Rooms media (the SFU): what a client does next differs for each.
  /** Nobody it asked for is sending media now: wait for the stage to change, then subscribe again. */
  'media_not_live',
  /** The media server cannot be reached or is restarting: try again shortly. */
  'media_unavailable',
  /** The media server refused for another reason (its message says which). */
  'media_failed',
  /** A word filter refused the text: change it and send again. */
  'content_blocked',
  /** A word filter held the text for review: it is not delivered unless released. */
  'content_held',
  /** The sender is muted by a moderator until the time in the message. */
  'muted',
  // Account rights: a person's privacy settings refuse this; the message says which setting.
  /** The receiver only takes messages from people they follow, or from friends. */
  'dm_not_allowed',
  /** The person only takes room and watch-party invitations from people they follow, or from friends. */
  'invite_not_allowed',
  /** The person keeps their likes to themselves. */
  'likes_hidden',
  /** The account is being deleted (its grace period runs), or is gone. */
  'account_deleted',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: text(),
    /** Field-level problems for validation errors: path → message. */
    issues: z.array(z.object({ path: text(), message: text() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  blocked: 403,
  not_found: 404,
  handle_taken: 409,
  already_following: 409,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  headers_too_large: 431,
  request_timeout: 408,
  unprocessable: 422,
  rate_limited: 429,
  unsupported_version: 400,
  unknown_channel: 400,
  not_subscribed: 400,
  slow_consumer: 400,
  opt_in_required: 403,
  out_of_stock: 409,
  sold_out: 409,
  limit_reached: 409,
  too_many_unpaid: 409,
  invalid_state: 409,
  coupon_unavailable: 422,
  payment_declined: 402,
  idempotency_mismatch: 422,
  cart_changed: 409,
  signature_invalid: 400,
  media_not_live: 409,
  // A 4xx on purpose: the request may be retried as is, and nothing on our side crashed.
  media_unavailable: 409,
  media_failed: 422,
  content_blocked: 422,
  content_held: 409,
  muted: 403,
  dm_not_allowed: 403,
  invite_not_allowed: 403,
  likes_hidden: 403,
  account_deleted: 410,
  internal: 500,
};
