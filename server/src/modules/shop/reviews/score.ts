import type { StoreScore } from '@tremolo/protocol';

/** What a store score is computed from; each count may be zero. */
export interface ScoreInputs {
  /** Visible reviews of the shop's products. */
  ratings: { count: number; sum: number };
  /** Orders shipped so far, and the mean hours from payment to shipping. */
  shipping: { count: number; averageHours: number };
  /** Orders that reached the buyer's hands (shipped or later), and how many of them ended refunded. */
  refunds: { settled: number; refunded: number };
}

/**
 * A few reviews should not make a shop perfect or ruined: the average is pulled towards a
 * neutral 4 stars as if the shop had PRIOR_REVIEWS of them already (a Bayesian average).
 */
const PRIOR_MEAN = 4;
const PRIOR_REVIEWS = 5;
/** Shipping within a day is the best a seller can do; a week or more is the worst. */
const SHIP_BEST_HOURS = 24;
const SHIP_WORST_HOURS = 168;
/** One order in five refunded is as bad as it gets. */
const REFUND_WORST_RATE = 0.2;
/** Buyers' stars matter most; speed and refunds are what the stars usually complain about. */
const WEIGHTS = { rating: 0.6, shipping: 0.2, refunds: 0.2 } as const;

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** Maps `x` from [best, worst] onto [5, 1], clamped. */
const scale = (x: number, best: number, worst: number) => 5 - 4 * Math.min(1, Math.max(0, (x - best) / (worst - best)));

/**
 * The shop's score out of 5: a weighted mean of the parts there is evidence for, each on the
 * same 1–5 scale. Null while there is nothing at all to judge (no reviews, nothing shipped).
 */
export function storeScore(i: ScoreInputs): StoreScore | null {
  const rating =
    i.ratings.count > 0
      ? {
          score: (i.ratings.sum + PRIOR_MEAN * PRIOR_REVIEWS) / (i.ratings.count + PRIOR_REVIEWS),
          average: i.ratings.sum / i.ratings.count,
          count: i.ratings.count,
        }
      : null;
  const shipping =
    i.shipping.count > 0
      ? {
          score: scale(i.shipping.averageHours, SHIP_BEST_HOURS, SHIP_WORST_HOURS),
          averageHours: i.shipping.averageHours,
          count: i.shipping.count,
        }
      : null;
  const refundRate = i.refunds.settled > 0 ? i.refunds.refunded / i.refunds.settled : 0;
  const refunds =
    i.refunds.settled > 0 ? { score: scale(refundRate, 0, REFUND_WORST_RATE), rate: refundRate, count: i.refunds.settled } : null;
  const parts = [
    [rating, WEIGHTS.rating],
    [shipping, WEIGHTS.shipping],
    [refunds, WEIGHTS.refunds],
  ] as const;
  let weight = 0;
  let total = 0;
  for (const [part, w] of parts) {
    if (!part) continue;
    weight += w;
    total += part.score * w;
  }
  if (weight === 0) return null;
  return {
    score: round1(total / weight),
    rating: rating && { score: round2(rating.score), average: round2(rating.average), count: rating.count },
    shipping: shipping && { score: round2(shipping.score), averageHours: round1(shipping.averageHours), count: shipping.count },
    refunds: refunds && { score: round2(refunds.score), rate: round2(refunds.rate), count: refunds.count },
  };
}
