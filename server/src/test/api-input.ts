import assert from 'node:assert/strict';
import { ErrorCode } from '@tremolo/protocol';
import type { TestApp } from './harness.ts';
import { multipart } from './multipart.ts';

/**
 * Helpers for tests that throw input at every operation of the API document: the router
 * builds `/api/openapi.json` from the very schemas it validates with, so walking it reaches
 * every route, including ones added after these tests were written.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  security: boolean;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  json: JsonSchema | null;
  multipart: boolean;
}

interface RawOp {
  security?: unknown;
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export async function operations(t: TestApp): Promise<Operation[]> {
  const res = await t.app.http.inject({ method: 'GET', url: '/api/openapi.json' });
  const doc = JSON.parse(res.body) as { paths: Record<string, Record<string, RawOp>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase() as Operation['method'],
      path,
      security: Boolean(op.security),
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
      queryParams: (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema, required: Boolean(p.required) })),
      json: op.requestBody?.content['application/json']?.schema ?? null,
      multipart: Boolean(op.requestBody?.content['multipart/form-data']),
    })),
  );
}

/** An id of the right shape that names nothing. */
export const NIL_ID = '00000000-0000-7000-8000-000000000000';

/** Fills path parameters with well-formed values, so whatever is wrong is only the part under test. */
export function concretePath(op: Operation, handle: string): string {
  return op.path.replace(/\{([a-zA-Z]+)\}/g, (_m, name: string) => {
    if (name === 'handle') return handle;
    const p = op.pathParams.find((x) => x.name === name);
    if (!p || !isType(p.schema, 'string')) return '1';
    // Ids are the common case; a short text parameter (a hashtag) gets a word that fits it.
    return typeof p.schema.maxLength === 'number' && p.schema.maxLength < NIL_ID.length ? 'sample' : NIL_ID;
  });
}

function isType(s: JsonSchema, type: string): boolean {
  return s.type === type || (Array.isArray(s.type) && s.type.includes(type));
}

/** A plausible value for a schema: every property present, the first branch of every union. */
export function sample(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const branch = s.anyOf ?? s.oneOf;
  if (branch) return sample(branch.find((b) => !isType(b, 'null')) ?? branch[0]!);
  if (s.allOf) return sample(Object.assign({}, ...s.allOf) as JsonSchema);
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v);
      return out;
    }
    case 'array':
      return s.items ? Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items!)) : [];
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1), Math.min(s.maximum ?? 1, 1));
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return NIL_ID;
      if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (s.format === 'date') return '2025-01-01';
      if (s.format === 'uri') return 'https://example.com/';
      return 'fuzz_text'.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? 100);
    default:
      return null;
  }
}

/** Every string in a sampled value, by its path as the router reports it (`address.line1`, `links.0.url`). */
export function stringLeaves(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

export function setAt(value: unknown, path: string[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? setAt(v, rest, leaf) : v));
  const obj = value as Record<string, unknown>;
  return { ...obj, [head]: setAt(obj[head], rest, leaf) };
}

const CODES = new Set<string>(ErrorCode.options);

/** Every error a client can see: a 4xx with `{"error":{"code","message"}}` and a code we document. */
export function assertClientError(
  status: number,
  body: string,
  what: string,
): { code: string; message: string; issues?: { path: string; message: string }[] } {
  assert.ok(status >= 400 && status < 500, `${what}: expected a 4xx, got ${status} ${body.slice(0, 300)}`);
  let parsed: { error?: { code?: unknown; message?: unknown; issues?: { path: string; message: string }[] } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    assert.fail(`${what}: ${status} body is not JSON: ${body.slice(0, 300)}`);
  }
  assert.equal(typeof parsed.error?.code, 'string', `${what}: no error code in ${body.slice(0, 300)}`);
  assert.ok(CODES.has(parsed.error!.code as string), `${what}: undocumented error code ${String(parsed.error?.code)}`);
  assert.equal(typeof parsed.error?.message, 'string', `${what}: no error message in ${body.slice(0, 300)}`);
  return parsed.error as { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** Bodies that are broken the ways real clients break them. */
export function brokenMultiparts(): { name: string; contentType: string; payload: Buffer }[] {
  const good = multipart([{ name: 'file', filename: 'a.png', type: 'image/png', data: Buffer.alloc(2048, 7) }]);
  return [
    { name: 'no boundary', contentType: 'multipart/form-data', payload: good.payload },
    { name: 'truncated file part', contentType: good.contentType, payload: good.payload.subarray(0, 1200) },
    { name: 'JSON sent as multipart', contentType: good.contentType, payload: Buffer.from('{"caption":"hello"}') },
    { name: 'empty body', contentType: good.contentType, payload: Buffer.alloc(0) },
    { name: 'wrong boundary', contentType: 'multipart/form-data; boundary=other', payload: good.payload },
    {
      name: 'garbage part headers',
      contentType: good.contentType,
      payload: Buffer.from(`------tremolo-fuzz\r\n${'x'.repeat(300)}\r\n\r\ndata\r\n------tremolo-fuzz--\r\n`),
    },
    { name: 'no file part', contentType: good.contentType, payload: multipart([{ name: 'caption', data: 'hi' }]).payload },
    {
      name: 'two files',
      contentType: good.contentType,
      payload: multipart([
        { name: 'file', filename: 'a.png', type: 'image/png', data: 'aaaa' },
        { name: 'file', filename: 'b.png', type: 'image/png', data: 'bbbb' },
      ]).payload,
    },
  ];
}
