import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlashSaleBadge, FlashSaleStatus, OrderUpdate, ProductCard } from '@tremolo/protocol';
import { useSession } from '../../lib/session.tsx';

/** Server clock minus this device's clock, learnt from a flash sale's `serverTime`; the countdown uses it. */
let clockOffsetMs = 0;

export function noteServerTime(iso: string): void {
  const t = Date.parse(iso);
  if (Number.isFinite(t)) clockOffsetMs = t - Date.now();
}

function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

/** Re-renders every `ms` while `active`, so countdowns tick. */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (!active) return;
    setNow(serverNow());
    const id = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(id);
  }, [active, ms]);
  return now;
}

export interface LiveStock {
  /** Units left across active variants (regular stock). */
  stock: number;
  /** Units left in the flash sale, when there is one. */
  flashLeft: number | null;
  flashStatus: FlashSaleStatus | null;
}

/**
 * Live stock of a product from its realtime channel (`product:<id>`). Anonymous visitors have no
 * socket and see the numbers as loaded.
 */
export function useLiveStock(card: Pick<ProductCard, 'id' | 'realtimeChannel' | 'stock' | 'flashSale'>): LiveStock {
  const { realtime } = useSession();
  const [live, setLive] = useState<LiveStock>(() => ({
    stock: card.stock,
    flashLeft: card.flashSale?.stockLeft ?? null,
    flashStatus: card.flashSale?.status ?? null,
  }));
  const flashId = card.flashSale?.id ?? null;
  useEffect(() => {
    setLive({ stock: card.stock, flashLeft: card.flashSale?.stockLeft ?? null, flashStatus: card.flashSale?.status ?? null });
  }, [card.stock, card.flashSale?.stockLeft, card.flashSale?.status]);
  useEffect(() => {
    if (!realtime) return;
    return realtime.subscribe(card.realtimeChannel, (ev) => {
      const b = ev.body;
      if (b.kind !== 'stock' || b.productId !== card.id) return;
      if (b.flashSaleId === null) setLive((l) => ({ ...l, stock: b.stockLeft }));
      else if (b.flashSaleId === flashId) setLive((l) => ({ ...l, flashLeft: b.stockLeft, flashStatus: b.status ?? l.flashStatus }));
    });
  }, [realtime, card.realtimeChannel, card.id, flashId]);
  return live;
}

export type FlashPhase = 'upcoming' | 'live' | 'sold_out' | 'ended' | 'cancelled';

/** Where a flash sale stands at `now`: the server's status, corrected by the clock between pushes. */
export function flashPhase(sale: FlashSaleBadge, left: number | null, status: FlashSaleStatus | null, now: number): FlashPhase {
  const s = status ?? sale.status;
  if (s === 'cancelled') return 'cancelled';
  if (s === 'ended' || now >= Date.parse(sale.endsAt)) return 'ended';
  if ((left ?? sale.stockLeft) <= 0) return 'sold_out';
  if (now < Date.parse(sale.startsAt)) return 'upcoming';
  return 'live';
}

/** "01:02:03" or "02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Calls `onUpdate` for each order change pushed on my `user:<id>` channel; `onReady` after every (re)subscribe. */
export function useOrderUpdates(onUpdate: (u: OrderUpdate) => void, onReady?: () => void): void {
  const { realtime, me } = useSession();
  const cb = useRef(onUpdate);
  cb.current = onUpdate;
  const ready = useRef(onReady);
  ready.current = onReady;
  const userId = me?.id ?? null;
  const readyStable = useCallback(() => ready.current?.(), []);
  useEffect(() => {
    if (!realtime || !userId) return;
    return realtime.subscribe(
      `user:${userId}`,
      (ev) => {
        if (ev.body.kind === 'order') cb.current(ev.body.order);
      },
      readyStable,
    );
  }, [realtime, userId, readyStable]);
}
