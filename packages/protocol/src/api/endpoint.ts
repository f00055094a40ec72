import type { z } from 'zod';
import type { ErrorCode } from '../errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `user`: a session is required; `optional`: answers differ for a signed-in person; `none`: never looks. */
export type Auth = 'none' | 'optional' | 'user';

/**
 * One HTTP endpoint, declared once: the server implements it by this declaration (validating
 * params, query and body with these schemas), `/api/openapi.json` is generated from it, and the
 * web client and the tests call it through it, so a changed field breaks `tsc`, not a person.
 */
export interface Endpoint {
  method: Method;
  /** Express-style path, `:name` for a path parameter. */
  path: string;
  auth: Auth;
  summary: string;
  tags: readonly string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Success status when not 200. */
  status?: number;
  /** A multipart/form-data upload: the server reads the parts itself. */
  upload?: { file: string };
  /** Content type of a streamed (non-JSON) response; `response` is then a placeholder. */
  binary?: string;
  /** The error codes this endpoint answers with on purpose, besides validation and auth. */
  errors?: readonly ErrorCode[];
}

/** Declares an endpoint, keeping its literal shape so callers' types follow its schemas. */
export function endpoint<const E extends Endpoint>(e: E): E {
  return e;
}

type Schema<E, K extends 'params' | 'query' | 'body'> = E extends { [P in K]: infer S extends z.ZodType } ? S : undefined;

/** What the server's handler receives (after parsing, defaults applied). */
export type ParamsOf<E> = Schema<E, 'params'> extends infer S extends z.ZodType ? z.output<S> : undefined;
export type QueryOf<E> = Schema<E, 'query'> extends infer S extends z.ZodType ? z.output<S> : undefined;
export type BodyOf<E> = Schema<E, 'body'> extends infer S extends z.ZodType ? z.output<S> : undefined;
/** What the server may return (before the schema's transforms) and what a client receives. */
export type ResponseIn<E extends Endpoint> = z.input<E['response']>;
export type ResponseOf<E extends Endpoint> = z.output<E['response']>;

/** What a caller passes: only the parts the endpoint declares, in their input form. */
export type ArgsOf<E> = (Schema<E, 'params'> extends infer S extends z.ZodType ? { params: z.input<S> } : unknown) &
  (Schema<E, 'query'> extends infer S extends z.ZodType ? { query?: z.input<S> } : unknown) &
  (Schema<E, 'body'> extends infer S extends z.ZodType ? { body: z.input<S> } : unknown);

/** The concrete path of a call: `:name` segments filled from `params`, URL-encoded. */
export function pathOf(e: Pick<Endpoint, 'path'>, params?: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return e.path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined || v === null) throw new Error(`${e.path}: missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

/** `?a=1&b=x` for the defined values of a query object (arrays repeat the key); '' when empty. */
export function queryString(query?: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** The argument list of a call: optional when the endpoint needs nothing. */
export type CallArgs<E> = object extends ArgsOf<E> ? [args?: ArgsOf<E>] : [args: ArgsOf<E>];
