import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';

export interface UploadOptions {
  /** What the person is uploading, for messages: "avatar", "video". */
  what: string;
  /** Largest file accepted; without it, the limit the multipart plugin was registered with. */
  maxBytes?: number;
  /** Text fields allowed beside the file. */
  maxFields?: number;
}

export interface Upload<F> {
  file: F;
  /** Text parts, by name (the last one wins). Validate them with a protocol schema. */
  fields: Record<string, string>;
}

/**
 * Reads the one file (the part named "file") of a multipart request, into memory or streamed to
 * a new file under `into.dir` (whose path it returns; the caller owns it). Every way a client can
 * break a multipart body (no boundary, cut off mid-part, not multipart at all, too many parts, too
 * large) is an AppError 4xx, so no upload route answers a 500 for it.
 */
export async function readUpload(req: FastifyRequest, opts: UploadOptions & { into: 'memory' }): Promise<Upload<Buffer>>;
export async function readUpload(req: FastifyRequest, opts: UploadOptions & { into: { dir: string } }): Promise<Upload<string>>;
export async function readUpload(
  req: FastifyRequest,
  opts: UploadOptions & { into: 'memory' | { dir: string } },
): Promise<Upload<Buffer | string>> {
  if (!req.isMultipart()) throw new AppError('unsupported_media_type', `Send the ${opts.what} as multipart/form-data`);
  const dir = opts.into === 'memory' ? null : opts.into.dir;
  if (dir) await mkdir(dir, { recursive: true });
  const maxFields = opts.maxFields ?? 10;
  const fields: Record<string, string> = {};
  let file: Buffer | string | null = null;
  let written: string | null = null;
  try {
    const limits = { files: 1, fields: maxFields, parts: maxFields + 1, ...(opts.maxBytes ? { fileSize: opts.maxBytes } : {}) };
    for await (const part of req.parts({ limits })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file !== null) {
          part.file.resume();
          throw new AppError('validation_failed', 'Send exactly one file, in the part named "file"');
        }
        if (dir) {
          written = path.join(dir, `upload-${newId()}`);
          await pipeline(part.file, createWriteStream(written));
          file = written;
        } else {
          file = await part.toBuffer();
        }
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (e) {
    if (written) await rm(written, { force: true });
    throw uploadError(e, opts);
  }
  if (file === null) throw new AppError('validation_failed', 'No file in the upload: send it in the part named "file"');
  return { file, fields };
}

const TOO_MANY = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT']);

function uploadError(e: unknown, opts: UploadOptions): Error {
  if (e instanceof AppError) return e;
  if (!(e instanceof Error)) return new Error(String(e));
  const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    const limit = opts.maxBytes ? `: at most ${Math.round(opts.maxBytes / 1048576)} MB` : '';
    return new AppError('payload_too_large', `The ${opts.what} is too large${limit}`);
  }
  if (code && TOO_MANY.has(code)) return new AppError('payload_too_large', 'Too many parts: send one file, in the part named "file"');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError('unsupported_media_type', `Send the ${opts.what} as multipart/form-data`);
  // Our own failures stay 500s: a full disk or a bug is nothing the client can fix by resending.
  if (('syscall' in e && code !== 'ECONNRESET') || e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError)
    return e;
  // What is left comes from parsing the body (busboy's "Unexpected end of form", "Boundary not
  // found", "Malformed part header", a request closed mid-upload): the client sent it broken.
  return new AppError('bad_request', `The ${opts.what} upload is not valid multipart/form-data or was cut off; send it again`);
}
