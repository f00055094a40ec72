import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../platform/errors.ts';
import { ProviderRejected, type AuthorizeInput, type AuthorizeResult, type PaymentProvider, type WebhookEvent } from './provider.ts';

/**
 * Test cards, Stripe's numbers where Stripe has one:
 * - 4242 4242 4242 4242: authorized at once
 * - 4000 0000 0000 0002: declined (card_declined)
 * - 4000 0000 0000 9995: declined (insufficient_funds)
 * - 4000 0000 0000 3220: needs confirmation; authorized later by a signed webhook
 * - 4000 0084 0000 1629: needs confirmation; fails later by a signed webhook
 * - any other number that passes the Luhn check: authorized; one that does not: declined
 * Tokens: `tok_visa` authorizes, `tok_chargeDeclined` declines.
 */
export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  asyncSuccess: '4000000000003220',
  asyncFailure: '4000008400001629',
} as const;

export const SIGNATURE_HEADER = 'tremolo-signature';
const TOLERANCE_SEC = 300;

interface Intent {
  ref: string;
  reference: string;
  amount: number;
  currency: string;
  status: 'pending' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';
  captured: number;
  refunded: number;
  /** Successful capture operations: more than one would be a double charge. */
  captures: number;
}

export function signPayload(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

function luhn(n: string): boolean {
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = Number(n[n.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * An in-process provider that behaves like a real one: it keeps its own ledger, honours
 * idempotency keys on every call, refuses impossible operations (capturing twice, voiding a
 * capture) and confirms some payments asynchronously by POSTing a signed webhook to our server.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  private readonly intents = new Map<string, Intent>();
  /** idempotency key → the result of the first call with it. */
  private readonly results = new Map<string, unknown>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  webhookUrl: string | null;

  constructor(private readonly opts: { secret: string; asyncDelayMs: number; webhookUrl?: string | undefined }) {
    this.webhookUrl = opts.webhookUrl ?? null;
  }

  private once<T>(key: string, op: string, run: () => T): T {
    const k = `${op}:${key}`;
    if (this.results.has(k)) return this.results.get(k) as T;
    const r = run();
    this.results.set(k, r);
    return r;
  }

  async authorize(input: AuthorizeInput): Promise<AuthorizeResult> {
    return this.once(input.idempotencyKey, 'authorize', () => {
      const ref = `pi_test_${randomBytes(12).toString('hex')}`;
      const number = input.method.type === 'card' ? input.method.number : null;
      const last4 = number ? number.slice(-4) : null;
      const intent: Intent = {
        ref,
        reference: input.reference,
        amount: input.amount,
        currency: input.currency,
        status: 'pending',
        captured: 0,
        refunded: 0,
        captures: 0,
      };
      this.intents.set(ref, intent);
      let outcome: 'ok' | 'async_ok' | 'async_fail' | { decline: string };
      if (input.method.type === 'token') outcome = input.method.token === 'tok_visa' ? 'ok' : { decline: 'card_declined' };
      else if (number === TEST_CARDS.declined) outcome = { decline: 'card_declined' };
      else if (number === TEST_CARDS.insufficientFunds) outcome = { decline: 'insufficient_funds' };
      else if (number === TEST_CARDS.asyncSuccess) outcome = 'async_ok';
      else if (number === TEST_CARDS.asyncFailure) outcome = 'async_fail';
      else outcome = number && luhn(number) ? 'ok' : { decline: 'incorrect_number' };
      if (outcome === 'ok') {
        intent.status = 'authorized';
        return { status: 'authorized', ref, last4 } satisfies AuthorizeResult;
      }
      if (typeof outcome === 'object') {
        intent.status = 'declined';
        return { status: 'declined', ref, last4, reason: outcome.decline } satisfies AuthorizeResult;
      }
      const succeed = outcome === 'async_ok';
      this.later(() => {
        intent.status = succeed ? 'authorized' : 'declined';
        return {
          id: `evt_${randomBytes(10).toString('hex')}`,
          type: succeed ? 'payment.authorized' : 'payment.failed',
          ref,
          amount: intent.amount,
          currency: intent.currency,
          reason: succeed ? null : 'authentication_failed',
        };
      });
      return { status: 'pending', ref, last4 } satisfies AuthorizeResult;
    });
  }

  async capture(input: { ref: string; amount: number; idempotencyKey: string }): Promise<void> {
    this.once(input.idempotencyKey, 'capture', () => {
      const i = this.intent(input.ref);
      if (i.status !== 'authorized') throw new ProviderRejected(`cannot capture a payment that is ${i.status}`);
      if (input.amount > i.amount) throw new ProviderRejected('cannot capture more than was authorized');
      i.status = 'captured';
      i.captured = input.amount;
      i.captures += 1;
    });
  }

  async void(input: { ref: string; idempotencyKey: string }): Promise<void> {
    this.once(input.idempotencyKey, 'void', () => {
      const i = this.intent(input.ref);
      if (i.status === 'voided') return;
      if (i.status !== 'authorized' && i.status !== 'pending') throw new ProviderRejected(`cannot void a payment that is ${i.status}`);
      i.status = 'voided';
    });
  }

  async refund(input: { ref: string; amount: number; idempotencyKey: string }): Promise<void> {
    this.once(input.idempotencyKey, 'refund', () => {
      const i = this.intent(input.ref);
      if (i.status !== 'captured') throw new ProviderRejected(`cannot refund a payment that is ${i.status}`);
      if (input.amount > i.captured - i.refunded) throw new ProviderRejected('cannot refund more than was captured');
      i.refunded += input.amount;
      if (i.refunded === i.captured) i.status = 'refunded';
    });
  }

  parseWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): WebhookEvent {
    const header = headers[SIGNATURE_HEADER];
    const sig = typeof header === 'string' ? header : '';
    const parts = Object.fromEntries(sig.split(',').map((p) => p.split('=', 2) as [string, string]));
    const t = Number(parts.t);
    const v1 = parts.v1 ?? '';
    const bad = () => new AppError('signature_invalid', 'Webhook signature does not verify');
    if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) throw bad();
    if (Math.abs(Date.now() / 1000 - t) > TOLERANCE_SEC)
      throw new AppError('signature_invalid', 'Webhook timestamp is outside the tolerance');
    const expected = createHmac('sha256', this.opts.secret).update(`${t}.${rawBody}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) throw bad();
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw new AppError('malformed_json', 'Webhook body is not JSON');
    }
    const e = json as Partial<WebhookEvent>;
    if (
      typeof e.id !== 'string' ||
      (e.type !== 'payment.authorized' && e.type !== 'payment.failed') ||
      typeof e.ref !== 'string' ||
      !Number.isSafeInteger(e.amount) ||
      typeof e.currency !== 'string'
    ) {
      throw new AppError('validation_failed', 'Webhook event has an unexpected shape');
    }
    return {
      id: e.id,
      type: e.type,
      ref: e.ref,
      amount: e.amount!,
      currency: e.currency,
      reason: typeof e.reason === 'string' ? e.reason : null,
    };
  }

  /** For tests and the benchmark: payments captured more than once (must stay 0). */
  doubleCaptures(): number {
    let n = 0;
    for (const i of this.intents.values()) if (i.captures > 1) n++;
    return n;
  }

  /** For tests: the provider's own view of an order's money. */
  ledger(reference: string): { captured: number; refunded: number; statuses: string[] } {
    const mine = [...this.intents.values()].filter((i) => i.reference === reference);
    return {
      captured: mine.reduce((s, i) => s + i.captured, 0),
      refunded: mine.reduce((s, i) => s + i.refunded, 0),
      statuses: mine.map((i) => i.status),
    };
  }

  private intent(ref: string): Intent {
    const i = this.intents.get(ref);
    if (!i) throw new ProviderRejected(`no such payment ${ref}`);
    return i;
  }

  /** Confirms after a delay through a signed webhook, retrying like a real provider when we do not answer 2xx. */
  private later(event: () => WebhookEvent): void {
    const send = async (attempt: number, body: string): Promise<void> => {
      if (this.closed || !this.webhookUrl) return;
      try {
        const res = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(this.opts.secret, body) },
          body,
          signal: AbortSignal.timeout(5000),
        });
        if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429)) return;
      } catch {
        // retried below
      }
      if (attempt < 5) this.timer(() => void send(attempt + 1, body), 200 * 2 ** attempt);
    };
    this.timer(() => void send(0, JSON.stringify(event())), this.opts.asyncDelayMs);
  }

  private timer(fn: () => void, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
