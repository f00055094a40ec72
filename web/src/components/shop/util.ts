import { useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { Surface, type BodyOf, type ResponseOf, type TouchContext } from '@tremolo/protocol';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { keyOf } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';

/**
 * The idempotency key of what the person means to do now: the same across retries and renders,
 * a fresh one as soon as the intent (its inputs) changes.
 */
export function useIdempotencyKey(prefix: string, intent: unknown): string {
  const current = useRef<{ intent: string; key: string } | null>(null);
  const id = JSON.stringify(intent);
  if (current.current?.intent !== id) current.current = { intent: id, key: newKey(prefix) };
  return current.current.key;
}

/** A fresh idempotency key: one per intended checkout or payment, reused on its retries. */
export function newKey(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${Date.now().toString(36)}-${rand[0]!.toString(36)}${rand[1]!.toString(36)}`;
}

const SurfaceId = /^[0-9A-Za-z:_-]{1,80}$/;

/** `?via=video:<id>` → the touch context of the surface the person came from; anything odd is ignored. */
export function parseVia(raw: string | null): TouchContext | null {
  if (!raw) return null;
  const i = raw.indexOf(':');
  const surface = Surface.safeParse(i < 0 ? raw : raw.slice(0, i));
  if (!surface.success) return null;
  const id = i < 0 ? '' : raw.slice(i + 1);
  return id && SurfaceId.test(id) ? { surface: surface.data, surfaceId: id } : { surface: surface.data };
}

export function viaParam(ctx: TouchContext | null | undefined): string {
  if (!ctx) return '';
  return ctx.surfaceId ? `${ctx.surface}:${ctx.surfaceId}` : ctx.surface;
}

/** The product page's address with the surface it is opened from. */
export function productPath(productId: string, via?: TouchContext | null): string {
  const v = viaParam(via);
  return `/p/${productId}${v ? `?via=${encodeURIComponent(v)}` : ''}`;
}

type TouchEvt = BodyOf<typeof api.shop.recordTouches>['events'][number];

let queue: TouchEvt[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
const seenViews = new Set<string>();

/**
 * Records a product-card view or click with its surface. Views are sent once per product and
 * surface per page load, batched; a failure is dropped (attribution is a hint, never a blocker).
 */
export function recordTouch(productId: string, kind: 'view' | 'click', ctx: TouchContext): void {
  if (kind === 'view') {
    const k = `${productId}|${ctx.surface}|${ctx.surfaceId ?? ''}`;
    if (seenViews.has(k)) return;
    seenViews.add(k);
  }
  queue.push({ productId, kind, ...ctx });
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    const events = queue.slice(0, 50);
    queue = queue.slice(50);
    call(api.shop.recordTouches, { body: { events } }).catch(() => undefined);
  }, 300);
}

/** Major units typed by a person ("12.50") → integer minor units for this currency; null when not a price. */
export function toMinor(input: string, currency: string): number | null {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const s = input.trim().replace(',', '.');
  const re = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!re.test(s)) return null;
  const [whole = '0', frac = ''] = s.split('.');
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
}

/** Integer minor units → the plain number a person edits ("12.50"). */
export function toMajorInput(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/**
 * A query's error while it is not being asked again: a retry shows the loading state, as a first
 * load does, instead of the old error.
 */
export function settledError<E>(q: { error: E | null; isFetching: boolean }): E | null {
  return q.isFetching ? null : q.error;
}

/**
 * A shop's claimable coupons. Whether I can claim each depends on who I am, so the person is part
 * of the cache key (the cache outlives a log-out); a claim invalidates them by the endpoint.
 */
export function useShopCoupons(handle: string | null, options: { refetchInterval?: number } = {}) {
  const { me } = useSession();
  const args = { params: { handle: handle ?? '' } };
  return useQuery<ResponseOf<typeof api.shop.shopCoupons>, ApiError>({
    queryKey: [...keyOf(api.shop.shopCoupons, args), { viewer: me?.id ?? null }],
    queryFn: () => call(api.shop.shopCoupons, args),
    enabled: handle !== null,
    ...options,
  });
}
