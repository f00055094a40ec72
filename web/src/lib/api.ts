import { ErrorBody, type ErrorCode } from '@tremolo/protocol';
import { EARLY_KEY, type Early } from './early-url.ts';

/** Anything that turns unknown JSON into a typed value: every zod schema of the protocol fits. */
export interface Parser<T> {
  parse(value: unknown): T;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A failed call, as the person should hear about it. `code` is the server's machine code
 * (or `network` / `bad_response` when we never got a usable answer).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network' | 'bad_response',
    message: string,
    readonly status: number,
    readonly issues: { path: string; message: string }[] = [],
    /** For `rate_limited`: the server's Retry-After, in seconds. */
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';

/** The token from SessionInfo; the server refuses state changes on a cookie session without it. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const STATE_CHANGING = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

function headersFor(method: Method, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (STATE_CHANGING.has(method) && csrfToken) h['x-csrf-token'] = csrfToken;
  return h;
}

function errorFrom(status: number, payload: unknown, retryAfter: string | null = null): ApiError {
  const parsed = ErrorBody.safeParse(payload);
  if (parsed.success) {
    const e = parsed.data.error;
    const wait = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    return new ApiError(e.code, e.message, status, e.issues ?? [], wait);
  }
  return new ApiError(status >= 500 ? 'internal' : 'bad_response', `Unexpected answer from the server (HTTP ${status})`, status);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function decode<T>(schema: Parser<T>, payload: unknown, status: number): T {
  try {
    return schema.parse(payload);
  } catch {
    // The server and this bundle disagree about the protocol: usually an old tab after a deploy.
    throw new ApiError('bad_response', 'The server answered in a form this page does not understand; reload the page', status);
  }
}

/** The response index.html's first script already asked for, if this is its URL (taken once). */
function takeEarly(method: Method, url: string): Promise<Response> | null {
  const early = (globalThis as unknown as Record<string, Early | undefined>)[EARLY_KEY];
  const response = method === 'GET' ? early?.[url] : undefined;
  if (!early || !response) return null;
  delete early[url];
  return response;
}

export async function request<T>(method: Method, url: string, schema: Parser<T>, body?: unknown): Promise<T> {
  let res: Response;
  const text = body !== undefined ? JSON.stringify(body) : undefined;
  try {
    // The early response, unless its request failed: then this call asks again.
    const early = await takeEarly(method, url)?.catch(() => null);
    res =
      early ??
      (await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: headersFor(method, text !== undefined),
        ...(text !== undefined ? { body: text } : {}),
        // A change the person made outlives the page it was made on (a read position sent as the
        // tab closes, a like tapped just before a link); browsers cap such bodies at 64 KB in all.
        keepalive: method !== 'GET' && (text?.length ?? 0) < 16_000,
      }));
  } catch {
    throw new ApiError('network', 'Cannot reach the server; check your connection', 0);
  }
  const payload = parseJson(await res.text());
  if (!res.ok) throw errorFrom(res.status, payload, res.headers.get('retry-after'));
  return decode(schema, payload, res.status);
}

/**
 * Multipart upload with progress. fetch() cannot report upload progress, so this one uses XHR.
 */
export function upload<T>(
  method: 'PUT' | 'POST',
  url: string,
  field: string,
  file: Blob,
  schema: Parser<T>,
  onProgress: (fraction: number) => void,
  /** Text parts sent before the file, so the server can check them before reading the bytes. */
  fields: Record<string, string> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headersFor(method, false))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError('network', 'Cannot reach the server; check your connection', 0));
    xhr.onload = () => {
      const payload = parseJson(xhr.responseText);
      if (xhr.status < 200 || xhr.status >= 300) return reject(errorFrom(xhr.status, payload, xhr.getResponseHeader('retry-after')));
      try {
        resolve(decode(schema, payload, xhr.status));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(field, file);
    xhr.send(form);
  });
}
