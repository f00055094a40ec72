import { z } from 'zod';

/** Time-ordered UUIDv7 ids: sortable by creation, so they double as keyset cursors. */
export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const Handle = z
  .string()
  .min(3)
  .max(24)
  .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscore only');

export const Cursor = z.string().max(200);

export const PageQuery = z.strictObject({
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Ok = z.object({ ok: z.literal(true) });
