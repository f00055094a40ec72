import { rm } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { UploadVideoFields, api } from '@tremolo/protocol';
import { validationError, type Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { PrivateFiles } from '../../platform/storage.ts';
import { sendPrivateFile } from '../../platform/storage-http.ts';
import type { VideosService } from './service.ts';

interface VideoRouteOptions {
  maxVideoBytes: number;
  /** Where the files are: uploads are received into its scratch directory, streams read from it. */
  files: PrivateFiles;
}

export function registerVideoRoutes(router: Router, videos: VideosService, opts: VideoRouteOptions): void {
  const v = api.videos;
  router.implement(v.upload, async ({ user, req }) => {
    await videos.admitUpload(user.id);
    const { file, fields } = await receiveUpload(req, opts);
    const row = await videos.upload(user.id, file, fields);
    return (await videos.hydrate(user.id, [row]))[0]!;
  });
  router.implement(v.get, async ({ user, params }) => videos.get(user?.id ?? null, params.id));
  router.implement(v.update, async ({ user, params, body }) => videos.update(user.id, params.id, body));
  router.implement(v.remove, async ({ user, params }) => {
    await videos.remove(user.id, params.id);
    return { ok: true as const };
  });

  for (const which of ['stream', 'poster'] as const) {
    router.implement(v[which], async ({ user, params, req, reply }) => {
      const key = await videos.fileKey(user?.id ?? null, params.id, which === 'stream' ? 'video' : 'poster');
      // Friends-only and private files must not be kept by shared caches.
      return sendPrivateFile(req, reply, opts.files, key, { cacheControl: 'private, max-age=3600', what: 'Video file' });
    });
  }

  router.implement(v.byAuthor, async ({ user, params, query }) =>
    videos.byAuthor(user?.id ?? null, params.handle, query.cursor, query.limit),
  );
  router.implement(api.rights.likes, async ({ user, params, query }) =>
    videos.likedBy(user?.id ?? null, params.handle, query.cursor, query.limit),
  );
  router.implement(v.like, async ({ user, params }) => videos.like(user.id, params.id, true));
  router.implement(v.unlike, async ({ user, params }) => videos.like(user.id, params.id, false));
  router.implement(v.watch, async ({ user, params, body }) => {
    await videos.watch(user.id, params.id, body.watchedMs, body.completed);
    return { ok: true as const };
  });
  router.implement(v.notInterested, async ({ user, params }) => {
    await videos.notInterested(user.id, params.id);
    return { ok: true as const };
  });
  router.implement(v.comments, async ({ user, params, query }) =>
    videos.comments(user?.id ?? null, params.id, query.parentId, query.cursor, query.limit),
  );
  router.implement(v.comment, async ({ user, params, body }) => videos.comment(user.id, params.id, body.text, body.parentId));
  router.implement(v.interests, async ({ user }) => ({ hashtags: await videos.interests(user.id) }));
  router.implement(v.setInterests, async ({ user, body }) => ({ hashtags: await videos.setInterests(user.id, body.hashtags) }));
}

/** Streams the upload to a temp file (never into memory) and validates its text fields. */
async function receiveUpload(req: FastifyRequest, opts: VideoRouteOptions) {
  const { file, fields: raw } = await readUpload(req, {
    what: 'video',
    maxBytes: opts.maxVideoBytes,
    into: { dir: opts.files.scratchDir },
  });
  const fields = UploadVideoFields.safeParse(raw);
  if (!fields.success) {
    await rm(file, { force: true });
    throw validationError(fields.error, 'upload fields');
  }
  return { file, fields: fields.data };
}
