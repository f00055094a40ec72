import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Every error a client can see is `{"error":{"code","message"}}`. Fastify, its plugins and Node's
 * HTTP parser each have their own shape; this module translates all of them.
 */

const KNOWN: Record<string, () => AppError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new AppError('malformed_json', 'The request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new AppError('malformed_json', 'The request body is empty'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('payload_too_large', 'The request body is too large'),
  FST_REQ_FILE_TOO_LARGE: () => new AppError('payload_too_large', 'The file is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new AppError('unsupported_media_type', 'Send JSON (application/json)'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new AppError('bad_request', 'Content-Length does not match the body'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => new AppError('unsupported_media_type', 'Send the file as multipart/form-data'),
  FST_PARTS_LIMIT: () => new AppError('payload_too_large', 'Too many parts in the upload'),
  FST_FILES_LIMIT: () => new AppError('payload_too_large', 'Only one file per upload'),
  FST_ERR_BAD_URL: () => new AppError('bad_request', 'The URL is not valid: a path segment has broken percent-encoding'),
  FST_ERR_MAX_PARAM_LENGTH: () => new AppError('uri_too_long', 'A path parameter of the URL is too long'),
};

const BY_STATUS: Record<number, AppError['code']> = {
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/**
 * The AppError a client should see for `err`, or null when it is our own failure (a 500).
 * A framework error with a 4xx status is about the request, so it keeps its status.
 */
function clientErrorOf(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (!(err instanceof Error)) return null;
  const fe = err as Partial<FastifyError>;
  const known = fe.code ? KNOWN[fe.code] : undefined;
  if (known) return known();
  // JSON.parse under a content-type parser, including __proto__ poisoning.
  if (err instanceof SyntaxError) return new AppError('malformed_json', 'The request body is not valid JSON');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(BY_STATUS[fe.statusCode] ?? 'bad_request', fe.message ?? 'Bad request', undefined, fe.statusCode);
  }
  return null;
}

function sendAppError(reply: FastifyReply, e: AppError): FastifyReply {
  // A limit says when to come back, for clients and proxies that read the header.
  if (e.retryAfterSec !== undefined) reply.header('retry-after', String(e.retryAfterSec));
  return reply.code(e.status).type('application/json; charset=utf-8').send(e.toBody());
}

export function installErrorHandling(http: FastifyInstance): void {
  http.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    const e = clientErrorOf(err);
    if (e) return sendAppError(reply, e);
    req.log.error({ err }, 'unhandled error');
    return sendAppError(reply, new AppError('internal', 'Something went wrong on our side'));
  });
}

/**
 * Fastify's `frameworkErrors`: errors raised while routing, before any handler or error handler
 * runs (a URL with broken percent-encoding, a path parameter over `maxParamLength`).
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  void sendAppError(reply, clientErrorOf(err) ?? new AppError('bad_request', 'The request could not be routed'));
}

/**
 * Node's `clientError`: the request could not even be parsed as HTTP (headers over the size limit,
 * a malformed request line, an unknown method), so no route, hook or reply exists. Like Node's own
 * default it answers on the raw socket and closes it, but in our shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', 'The request headers are too large')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout', 'The request took too long to arrive')
        : new AppError('bad_request', 'The request is not valid HTTP');
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(e.toBody());
  const response = `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  // Ending (not destroying) lets the answer reach the client before the connection closes.
  socket.end(response, () => socket.destroy());
  setTimeout(() => socket.destroy(), 5000).unref();
}
