import { z } from 'zod';
import { Ok, PageQuery, page } from '../common.ts';
import { HandleParams } from '../graph.ts';
import {
  Comment,
  CommentBody,
  CommentsQuery,
  Interests,
  InterestsBody,
  LikeResult,
  UpdateVideoBody,
  Video,
  VideoIdParams,
  WatchBody,
} from '../videos.ts';
import { endpoint } from './endpoint.ts';

const tags = ['videos'];

/** A streamed file answers through the reply itself; there is no JSON body to describe. */
const Streamed = z.never();

const file = (which: 'stream' | 'poster') =>
  endpoint({
    method: 'GET',
    path: `/api/v1/videos/:id/${which}`,
    auth: 'optional',
    summary: which === 'stream' ? 'The video file (H.264/AAC MP4, Range requests)' : 'The poster image',
    tags,
    params: VideoIdParams,
    response: Streamed,
    binary: which === 'stream' ? 'video/mp4' : 'image/jpeg',
    errors: ['not_found', 'bad_request'],
  });

const like = (method: 'PUT' | 'DELETE') =>
  endpoint({
    method,
    path: '/api/v1/videos/:id/like',
    auth: 'user',
    summary: method === 'PUT' ? 'Like a video' : 'Remove my like',
    tags,
    params: VideoIdParams,
    response: LikeResult,
    errors: ['not_found', 'rate_limited'],
  });

export const videosApi = {
  upload: endpoint({
    method: 'POST',
    path: '/api/v1/videos',
    auth: 'user',
    summary: 'Upload a video (multipart: text fields first, then the file part "file"); processing continues in the background',
    tags,
    upload: { file: 'file' },
    response: Video,
    status: 202,
    errors: ['payload_too_large', 'unsupported_media_type', 'unprocessable', 'rate_limited'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/api/v1/videos/:id',
    auth: 'optional',
    summary: 'One video, if I may see it',
    tags,
    params: VideoIdParams,
    response: Video,
    errors: ['not_found'],
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/api/v1/videos/:id',
    auth: 'user',
    summary: 'Edit my video (caption, visibility)',
    tags,
    params: VideoIdParams,
    body: UpdateVideoBody,
    response: Video,
    errors: ['not_found', 'forbidden'],
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/api/v1/videos/:id',
    auth: 'user',
    summary: 'Delete my video',
    tags,
    params: VideoIdParams,
    response: Ok,
    errors: ['not_found', 'forbidden'],
  }),
  stream: file('stream'),
  poster: file('poster'),
  byAuthor: endpoint({
    method: 'GET',
    path: '/api/v1/users/:handle/videos',
    auth: 'optional',
    summary: "A person's videos that I may see, newest first",
    tags,
    params: HandleParams,
    query: PageQuery,
    response: page(Video),
    errors: ['not_found'],
  }),
  like: like('PUT'),
  unlike: like('DELETE'),
  watch: endpoint({
    method: 'POST',
    path: '/api/v1/videos/:id/watch',
    auth: 'user',
    summary: 'Report watch progress (views and watch time)',
    tags,
    params: VideoIdParams,
    body: WatchBody,
    response: Ok,
    errors: ['not_found'],
  }),
  notInterested: endpoint({
    method: 'POST',
    path: '/api/v1/videos/:id/not-interested',
    auth: 'user',
    summary: 'Show me less like this',
    tags,
    params: VideoIdParams,
    response: Ok,
    errors: ['not_found'],
  }),
  comments: endpoint({
    method: 'GET',
    path: '/api/v1/videos/:id/comments',
    auth: 'optional',
    summary: 'Comments (top level newest first, or the replies to parentId oldest first)',
    tags,
    params: VideoIdParams,
    query: CommentsQuery,
    response: page(Comment),
    errors: ['not_found'],
  }),
  comment: endpoint({
    method: 'POST',
    path: '/api/v1/videos/:id/comments',
    auth: 'user',
    summary: 'Comment, or reply to a comment (one level deep)',
    tags,
    params: VideoIdParams,
    body: CommentBody,
    response: Comment,
    status: 201,
    errors: ['not_found', 'rate_limited'],
  }),
  interests: endpoint({
    method: 'GET',
    path: '/api/v1/me/interests',
    auth: 'user',
    summary: 'Hashtags I said I like',
    tags,
    response: Interests,
  }),
  setInterests: endpoint({
    method: 'PUT',
    path: '/api/v1/me/interests',
    auth: 'user',
    summary: 'Pick interests (cold start of For You)',
    tags,
    body: InterestsBody,
    response: Interests,
  }),
};
