import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'tremolo_sid';

export interface AuthenticatedUser {
  id: string;
  handle: string;
  csrfToken: string;
}

/** Something that can tell who sent a request; implemented by the accounts module. */
export interface SessionResolver {
  resolve(req: { headers: IncomingMessage['headers'] }): Promise<AuthenticatedUser | null>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Reads one cookie from a raw Cookie header (the WebSocket upgrade has no Fastify request). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
