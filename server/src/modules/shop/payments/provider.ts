import type { PaymentMethod } from '@tremolo/protocol';

/**
 * What the shop needs from a payment provider, in Stripe's terms: authorize (hold funds),
 * capture (take them), void (release a hold), refund (give taken money back). Every call carries
 * an idempotency key the provider must honour: the same key always yields the first result, so
 * a retried call can never charge twice.
 *
 * A real provider (Stripe, Adyen, Alipay …) plugs in by implementing this interface around its
 * SDK: `authorize` = create a PaymentIntent with `capture_method: manual` and confirm it with
 * the token from the provider's card widget (PaymentMethod `token`), passing
 * `idempotencyKey` as the `Idempotency-Key` header; `capture`/`void`/`refund` map to capture,
 * cancel and refunds; `parseWebhook` verifies the provider's signature header with its SDK and
 * maps its events to ours. Register it in `ShopService`'s provider map under its name; its
 * webhooks arrive at `POST /api/v1/payments/webhooks/<name>`.
 */
export interface PaymentProvider {
  readonly name: string;
  authorize(input: AuthorizeInput): Promise<AuthorizeResult>;
  capture(input: { ref: string; amount: number; idempotencyKey: string }): Promise<void>;
  void(input: { ref: string; idempotencyKey: string }): Promise<void>;
  refund(input: { ref: string; amount: number; idempotencyKey: string }): Promise<void>;
  /** Verifies the signature over the exact bytes received; throws `signature_invalid` otherwise. */
  parseWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): WebhookEvent;
  close?(): void;
}

export interface AuthorizeInput {
  amount: number;
  currency: string;
  method: PaymentMethod;
  /** Our order id, shown in the provider's dashboard. */
  reference: string;
  idempotencyKey: string;
}

export type AuthorizeResult =
  | { status: 'authorized'; ref: string; last4: string | null }
  /** The provider will confirm later (3-D Secure, bank transfer …) through a webhook. */
  | { status: 'pending'; ref: string; last4: string | null }
  | { status: 'declined'; ref: string; last4: string | null; reason: string };

export interface WebhookEvent {
  id: string;
  type: 'payment.authorized' | 'payment.failed';
  ref: string;
  amount: number;
  currency: string;
  reason: string | null;
}

/** The provider refused the operation itself (e.g. voiding a captured payment). */
export class ProviderRejected extends Error {}
