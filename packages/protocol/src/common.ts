import { z } from 'zod';

/**
 * The one rule for text from a client. PostgreSQL cannot store U+0000 in text, and an unpaired
 * UTF-16 surrogate is not text at all (jsonb refuses it, UTF-8 cannot encode it), so either used
 * to reach the database and fail as a 500. Written to mean the same with and without the `u`
 * flag, so a JSON Schema validator reading the API document agrees with the server.
 */
export const WELL_FORMED_TEXT = /^(?:[^\0\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/u;
export const WELL_FORMED_TEXT_MESSAGE = 'must not contain U+0000 or unpaired surrogate characters';

/** A string schema that refuses what PostgreSQL cannot store; every text field starts here. */
export function text() {
  return z.string().regex(WELL_FORMED_TEXT, WELL_FORMED_TEXT_MESSAGE);
}

/** String formats whose own pattern already admits only a few ASCII characters. */
const STRICT_FORMATS = new Set([
  'uuid',
  'guid',
  'datetime',
  'date',
  'time',
  'duration',
  'ipv4',
  'ipv6',
  'cidrv4',
  'cidrv6',
  'base64',
  'base64url',
  'e164',
  'cuid',
  'cuid2',
  'ulid',
  'nanoid',
  'xid',
  'ksuid',
  'jwt',
  'hex',
  'lowercase',
  'uppercase',
]);

function hasTextRule(def: Record<string, unknown>): boolean {
  const checks = (def.checks ?? []) as { _zod: { def: { pattern?: unknown } } }[];
  return checks.some((c) => c._zod.def.pattern === WELL_FORMED_TEXT);
}

/**
 * Paths (e.g. `address.line1`) of every string inside `schema` that does not go through
 * `text()`. The router refuses to register a route whose input has one, and the protocol's
 * tests walk every exported schema, so a plain `z.string()` cannot slip back in.
 */
export function textRuleGaps(schema: z.core.$ZodType, root = '(root)'): string[] {
  const gaps: string[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    if (!('_zod' in node)) return;
    seen.add(node);
    const def = (node as z.core.$ZodType)._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'string') {
      const format = typeof def.format === 'string' ? def.format : undefined;
      if (!(format && STRICT_FORMATS.has(format)) && !hasTextRule(def)) gaps.push(path);
      return;
    }
    if (def.type === 'lazy' && typeof def.getter === 'function') return visit((def.getter as () => unknown)(), path);
    if (def.type === 'object') {
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) visit(v, path === root ? k : `${path}.${k}`);
      visit(def.catchall, `${path}.*`);
      return;
    }
    if (def.type === 'record' || def.type === 'map') {
      visit(def.keyType, `${path}.<key>`);
      visit(def.valueType, `${path}.*`);
      return;
    }
    if (def.type === 'array' || def.type === 'set') return visit(def.element ?? def.valueType, `${path}.*`);
    for (const v of Object.values(def)) {
      if (Array.isArray(v)) for (const x of v) visit(x, path);
      else visit(v, path);
    }
  };
  visit(schema, root);
  return gaps;
}

/** Time-ordered UUIDv7 ids: sortable by creation, so they double as keyset cursors. */
export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const Handle = text()
  .min(3)
  .max(24)
  .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscore only');

export const Cursor = text().max(200);

export const PageQuery = z.strictObject({
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: text().nullable() });
}

/**
 * A list whose members of a kind this version does not know yet are dropped rather than failing
 * the whole answer, so a tab opened before a deploy keeps working. The input stays typed as
 * known members, so the server cannot build an unknown one by mistake.
 */
export function knownOnly<T extends z.ZodType>(item: T) {
  const known = z.array(item);
  return z.preprocess(
    (items: z.input<typeof known>) => (Array.isArray(items) ? items.filter((x: unknown) => item.safeParse(x).success) : items),
    known,
  );
}

export const Ok = z.object({ ok: z.literal(true) });
