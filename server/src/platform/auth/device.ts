import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'tremolo_dev';

/**
 * A signed "this device logged in to this account recently" mark, set on a successful login.
 * It carries no session (logging out keeps it): it only lets its owner past the per-account
 * login slowdown that strangers' wrong guesses cause, so they cannot lock the owner out.
 */
export class DeviceMarks {
  private readonly secret: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlDays: number,
  ) {
    // Without a configured secret, marks from another node or before a restart just do not
    // count: the owner is slowed down like anyone else, never locked out.
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  issue(userId: string, now = Date.now()): { value: string; expiresAt: Date } {
    const expiresAt = new Date(now + this.ttlDays * 86_400_000);
    const payload = `${userId}.${expiresAt.getTime()}`;
    return { value: `${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The account this device logged in to, if the mark is genuine and unexpired. */
  verify(value: string | undefined, now = Date.now()): string | null {
    if (!value || value.length > 200) return null;
    const [userId, expires, sig] = value.split('.');
    if (!userId || !expires || !sig) return null;
    const expected = Buffer.from(this.sign(`${userId}.${expires}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return Number(expires) > now ? userId : null;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
