import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import type { PrivateFiles, ReadableFiles } from './storage.ts';

/**
 * The byte range a `Range` header asks of a file of `size` bytes: one range (`a-b`, `a-`, `-n`)
 * → its first and last byte; anything this server does not serve as a part (several ranges, a
 * unit other than bytes, a malformed header) → null, and the whole file is sent, as HTTP allows;
 * a well-formed range that starts beyond the end → 'unsatisfiable'.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    // The last n bytes.
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Answers a request with a stored file: ranges (how browsers play video), `ETag` and
 * `If-None-Match`, `If-Range`. The same code serves the disk store and object storage, so a
 * file reads the same through any node. The caller has already decided the viewer may have it.
 */
export async function sendStoredFile(
  req: FastifyRequest,
  reply: FastifyReply,
  files: ReadableFiles,
  key: string,
  opts: { cacheControl: string; what: string },
): Promise<FastifyReply> {
  const file = await files.stat(key);
  if (!file) throw new AppError('not_found', `${opts.what} not found`);
  reply.header('accept-ranges', 'bytes');
  reply.header('etag', file.etag);
  reply.header('last-modified', file.lastModified.toUTCString());
  reply.header('cache-control', opts.cacheControl);
  reply.type(file.contentType);
  const noneMatch = req.headers['if-none-match'];
  if (noneMatch && noneMatch.split(',').some((t) => t.trim() === file.etag || t.trim() === '*')) return reply.code(304).send();
  const ifRange = req.headers['if-range'];
  const range = ifRange && ifRange !== file.etag ? null : byteRange(req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new AppError('bad_request', 'Range not satisfiable');
  }
  if (req.method === 'HEAD') {
    reply.header('content-length', range ? range.end - range.start + 1 : file.size);
    if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    // An empty stream: Fastify's HEAD handling keeps the length set above for a stream, and nothing is read from the store.
    return reply.code(range ? 206 : 200).send(Readable.from([]));
  }
  if (file.size === 0) return reply.code(200).header('content-length', 0).send('');
  const stream = await files.read(key, range ?? undefined);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    reply.header('content-length', range.end - range.start + 1);
  } else {
    reply.code(200).header('content-length', file.size);
  }
  return reply.send(stream);
}

/**
 * Answers with a private file the caller has already allowed this viewer to have: with object
 * storage and signed URLs, a redirect to a short-lived link (the redirect itself must never be
 * kept — it is the check's outcome for this person); otherwise the bytes, as `sendStoredFile`.
 */
export async function sendPrivateFile(
  req: FastifyRequest,
  reply: FastifyReply,
  files: PrivateFiles,
  key: string,
  opts: { cacheControl: string; what: string },
): Promise<FastifyReply> {
  const signed = await files.signedUrl(key);
  if (signed) return reply.code(302).header('location', signed).header('cache-control', 'private, no-store').send();
  return sendStoredFile(req, reply, files, key, opts);
}
