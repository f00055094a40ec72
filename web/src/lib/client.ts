import { pathOf, queryString, type ArgsOf, type CallArgs, type Endpoint, type ResponseOf } from '@tremolo/protocol';
import { request, upload, type Parser } from './api.ts';

type Parts = { params?: unknown; query?: unknown; body?: unknown };

/**
 * The URL of a call, for what the browser fetches itself (`<video src>`, links, EventSource).
 * @public The typed client's surface, kept while the components move onto it from URL strings.
 */
export function urlOf<E extends Endpoint>(e: E, ...[args]: CallArgs<E>): string {
  const a = (args ?? {}) as Parts;
  return pathOf(e, a.params) + queryString(a.query);
}

/**
 * Calls a declared endpoint: the path, query and body are typed by its declaration and the answer
 * is parsed with its response schema, so components never name a URL or restate a schema.
 */
export function call<E extends Endpoint>(e: E, ...[args]: CallArgs<E>): Promise<ResponseOf<E>> {
  const a = (args ?? {}) as Parts;
  const body = a.body ?? (e.method === 'POST' ? {} : undefined);
  return request(e.method, pathOf(e, a.params) + queryString(a.query), e.response as Parser<ResponseOf<E>>, body);
}

/**
 * Sends a file to an upload endpoint (multipart), reporting progress from 0 to 1.
 * @public The typed client's surface, kept while the components move onto it from URL strings.
 */
export function uploadTo<E extends Endpoint & { upload: { file: string } }>(
  e: E,
  args: Omit<ArgsOf<E>, 'body'> & { file: Blob; fields?: Record<string, string>; onProgress?: (fraction: number) => void },
): Promise<ResponseOf<E>> {
  const a = args as Parts & { file: Blob; fields?: Record<string, string>; onProgress?: (fraction: number) => void };
  const method = e.method === 'PUT' ? 'PUT' : 'POST';
  return upload(
    method,
    pathOf(e, a.params),
    e.upload.file,
    a.file,
    e.response as Parser<ResponseOf<E>>,
    a.onProgress ?? (() => undefined),
    a.fields ?? {},
  );
}
