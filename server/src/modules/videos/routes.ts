import { rm } from 'node:fs/promises';
import path from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  Comment,
  CommentBody,
  CommentsQuery,
  HandleParams,
  InterestsBody,
  LikeResult,
  Ok,
  PageQuery,
  UpdateVideoBody,
  UploadVideoFields,
  Video,
  VideoIdParams,
  WatchBody,
  page,
  text,
} from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import { validationError, type Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { VideosService } from './service.ts';

const Streamed = z.custom<FastifyReply>();

export function registerVideoRoutes(router: Router, videos: VideosService, opts: { maxVideoBytes: number; tmpDir: string }): void {
  router.add({
    method: 'POST',
    url: '/api/v1/videos',
    auth: 'user',
    summary: 'Upload a video (multipart: text fields first, then the file part "file"); processing continues in the background',
    tags: ['videos'],
    rawBody: true,
    response: Video,
    status: 202,
    handler: async ({ user, req }) => {
      await videos.admitUpload(user.id);
      const { file, fields } = await receiveUpload(req, opts);
      const row = await videos.upload(user.id, file, fields);
      return (await videos.hydrate(user.id, [row]))[0]!;
    },
  });

  router.add({
    method: 'GET',
    url: '/api/v1/videos/:id',
    auth: 'optional',
    summary: 'One video, if I may see it',
    tags: ['videos'],
    params: VideoIdParams,
    response: Video,
    handler: async ({ user, params }) => videos.get(user?.id ?? null, params.id),
  });

  router.add({
    method: 'PATCH',
    url: '/api/v1/videos/:id',
    auth: 'user',
    summary: 'Edit my video (caption, visibility)',
    tags: ['videos'],
    params: VideoIdParams,
    body: UpdateVideoBody,
    response: Video,
    handler: async ({ user, params, body }) => videos.update(user.id, params.id, body),
  });

  router.add({
    method: 'DELETE',
    url: '/api/v1/videos/:id',
    auth: 'user',
    summary: 'Delete my video',
    tags: ['videos'],
    params: VideoIdParams,
    response: Ok,
    handler: async ({ user, params }) => {
      await videos.remove(user.id, params.id);
      return { ok: true as const };
    },
  });

  for (const which of ['stream', 'poster'] as const) {
    router.add({
      method: 'GET',
      url: `/api/v1/videos/:id/${which}`,
      auth: 'optional',
      summary: which === 'stream' ? 'The video file (H.264/AAC MP4, Range requests)' : 'The poster image',
      tags: ['videos'],
      params: VideoIdParams,
      response: Streamed,
      binary: which === 'stream' ? 'video/mp4' : 'image/jpeg',
      handler: async ({ user, params, req, reply }) => {
        const file = await videos.filePath(user?.id ?? null, params.id, which === 'stream' ? 'video' : 'poster');
        const r = await send(req.raw, path.basename(file), { root: path.dirname(file), acceptRanges: true, cacheControl: false, etag: true });
        if (r.type === 'error') throw new AppError(r.statusCode === 416 ? 'bad_request' : 'not_found', r.statusCode === 416 ? 'Range not satisfiable' : 'Video file not found');
        reply.code(r.statusCode).headers(r.headers);
        // Friends-only and private files must not be kept by shared caches.
        reply.header('cache-control', 'private, max-age=3600');
        return reply.send(r.stream);
      },
    });
  }

  router.add({
    method: 'GET',
    url: '/api/v1/users/:handle/videos',
    auth: 'optional',
    summary: "A person's videos that I may see, newest first",
    tags: ['videos'],
    params: HandleParams,
    query: PageQuery,
    response: page(Video),
    handler: async ({ user, params, query }) => videos.byAuthor(user?.id ?? null, params.handle, query.cursor, query.limit),
  });

  for (const [method, on] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    router.add({
      method,
      url: '/api/v1/videos/:id/like',
      auth: 'user',
      summary: on ? 'Like a video' : 'Remove my like',
      tags: ['videos'],
      params: VideoIdParams,
      response: LikeResult,
      handler: async ({ user, params }) => videos.like(user.id, params.id, on),
    });
  }

  router.add({
    method: 'POST',
    url: '/api/v1/videos/:id/watch',
    auth: 'user',
    summary: 'Report watch progress (views and watch time)',
    tags: ['videos'],
    params: VideoIdParams,
    body: WatchBody,
    response: Ok,
    handler: async ({ user, params, body }) => {
      await videos.watch(user.id, params.id, body.watchedMs, body.completed);
      return { ok: true as const };
    },
  });

  router.add({
    method: 'POST',
    url: '/api/v1/videos/:id/not-interested',
    auth: 'user',
    summary: 'Show me less like this',
    tags: ['videos'],
    params: VideoIdParams,
    response: Ok,
    handler: async ({ user, params }) => {
      await videos.notInterested(user.id, params.id);
      return { ok: true as const };
    },
  });

  router.add({
    method: 'GET',
    url: '/api/v1/videos/:id/comments',
    auth: 'optional',
    summary: 'Comments (top level newest first, or the replies to parentId oldest first)',
    tags: ['videos'],
    params: VideoIdParams,
    query: CommentsQuery,
    response: page(Comment),
    handler: async ({ user, params, query }) => videos.comments(user?.id ?? null, params.id, query.parentId, query.cursor, query.limit),
  });

  router.add({
    method: 'POST',
    url: '/api/v1/videos/:id/comments',
    auth: 'user',
    summary: 'Comment, or reply to a comment (one level deep)',
    tags: ['videos'],
    params: VideoIdParams,
    body: CommentBody,
    response: Comment,
    status: 201,
    handler: async ({ user, params, body }) => videos.comment(user.id, params.id, body.text, body.parentId),
  });

  router.add({
    method: 'GET',
    url: '/api/v1/me/interests',
    auth: 'user',
    summary: 'Hashtags I said I like',
    tags: ['videos'],
    response: z.object({ hashtags: z.array(text()) }),
    handler: async ({ user }) => ({ hashtags: await videos.interests(user.id) }),
  });

  router.add({
    method: 'PUT',
    url: '/api/v1/me/interests',
    auth: 'user',
    summary: 'Pick interests (cold start of For You)',
    tags: ['videos'],
    body: InterestsBody,
    response: z.object({ hashtags: z.array(text()) }),
    handler: async ({ user, body }) => ({ hashtags: await videos.setInterests(user.id, body.hashtags) }),
  });
}

/** Streams the upload to a temp file (never into memory) and validates its text fields. */
async function receiveUpload(req: FastifyRequest, opts: { maxVideoBytes: number; tmpDir: string }) {
  const { file, fields: raw } = await readUpload(req, { what: 'video', maxBytes: opts.maxVideoBytes, into: { dir: opts.tmpDir } });
  const fields = UploadVideoFields.safeParse(raw);
  if (!fields.success) {
    await rm(file, { force: true });
    throw validationError(fields.error, 'upload fields');
  }
  return { file, fields: fields.data };
}
