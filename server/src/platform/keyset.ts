import { AppError } from './errors.ts';

/** Where a page ends in a list ordered by (time, id): the last row's time and id. */
export interface TimeKey {
  at: Date;
  id: string;
}

/** The cursor of a page that ends at (`at`, `id`): `<ms since epoch>_<uuid>`, opaque to clients. */
export function encodeTimeKey(at: Date, id: string): string {
  return `${at.getTime()}_${id}`;
}

/** Reads a cursor `encodeTimeKey` made; anything else is the client's mistake, a 400. */
export function decodeTimeKey(cursor: string): TimeKey {
  const m = /^(\d{1,16})_([0-9a-f-]{36})$/i.exec(cursor);
  if (!m) throw new AppError('validation_failed', 'Invalid cursor');
  return { at: new Date(Number(m[1])), id: m[2]! };
}
