import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { positionAt } from '@tremolo/protocol';
import { ClockEstimator, DEFAULT_THRESHOLDS, DriftController, leadFor } from './watch-sync.ts';

/** A deterministic PRNG so simulated networks are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A network where each direction takes `base` ms plus an exponential queueing delay. */
function simulatePings(opts: { offset: number; base: number; jitter: number; n: number; seed: number; asymmetry?: number }) {
  const r = rng(opts.seed);
  const samples = [];
  let local = 1_000_000;
  for (let i = 0; i < opts.n; i++) {
    const up = opts.base + (opts.asymmetry ?? 0) - Math.log(1 - r()) * opts.jitter;
    const down = opts.base - Math.log(1 - r()) * opts.jitter;
    const sentAt = local;
    const serverTime = sentAt + up + opts.offset;
    samples.push({ sentAt, serverTime, receivedAt: sentAt + up + down });
    local += 1000;
  }
  return samples;
}

describe('clock estimator', () => {
  test('trusts the sample with the least round trip: within a few ms under heavy jitter', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const samples = simulatePings({ offset: 123_456.5, base: 150, jitter: 50, n: 8, seed });
      const c = new ClockEstimator(8);
      for (const s of samples) c.add(s);
      const err = Math.abs(c.offsetMs - 123_456.5);
      assert.ok(err <= c.rttMs / 2 - 150 + 1, `error ${err} within the bound of its sample`);
      assert.ok(err < 40, `seed ${seed}: error ${err.toFixed(1)} ms`);
      assert.ok(c.rttMs >= 300 && c.rttMs < c.typicalRttMs + 1);
    }
  });

  test('on a quiet link the offset is exact to well under a millisecond', () => {
    const c = new ClockEstimator();
    for (const s of simulatePings({ offset: -42_000, base: 0.4, jitter: 0.2, n: 8, seed: 9 })) c.add(s);
    assert.ok(Math.abs(c.offsetMs + 42_000) < 0.5);
    assert.equal(c.serverNow(1000), 1000 + c.offsetMs);
  });

  test('keeps only the last samples, so it follows a change of route', () => {
    const c = new ClockEstimator(4);
    for (const s of simulatePings({ offset: 0, base: 5, jitter: 1, n: 4, seed: 1 })) c.add(s);
    const before = c.rttMs;
    // The route gets slower and the server clock is stepped by 1 s: after `keep` samples only the new ones count.
    for (const s of simulatePings({ offset: 1000, base: 80, jitter: 5, n: 4, seed: 2 })) c.add(s);
    assert.ok(c.rttMs > before + 100);
    assert.ok(Math.abs(c.offsetMs - 1000) < 10);
    assert.equal(c.count, 4);
  });

  test('ignores impossible samples and seeds from an HTTP answer only when empty', () => {
    const c = new ClockEstimator();
    c.add({ sentAt: 10, serverTime: 5, receivedAt: 9 });
    assert.equal(c.ready, false);
    c.seed(1_000, 0, 20);
    assert.equal(c.offsetMs, 990);
    c.seed(5_000, 0, 20);
    assert.equal(c.offsetMs, 990);
  });
});

describe('lead', () => {
  test('twice the slowest round trip, never under the floor nor over the cap', () => {
    assert.equal(leadFor([]), 200);
    assert.equal(leadFor([5, 20]), 200);
    assert.equal(leadFor([5, 350]), 700);
    assert.equal(leadFor([5000]), 2000);
    assert.equal(leadFor([Number.NaN, 120], 100), 240);
  });
});

/**
 * A simulated player: its position advances at its playbackRate; a rate change takes effect
 * after `rateDelay` ms (audio buffers); a seek freezes the picture for `seekLatency` ms and
 * then runs from where it aimed; `currentTime` is read with ±noise ms.
 */
class SimPlayer {
  pos: number;
  rate = 1;
  private pendingRate: { rate: number; at: number } | null = null;
  private frozenUntil = -1;
  constructor(
    start: number,
    private readonly opts: { rateDelay: number; seekLatency: number; noise: number; seed: number },
  ) {
    this.pos = start;
    this.r = rng(opts.seed);
  }
  private readonly r: () => number;
  setRate(rate: number, now: number) {
    this.pendingRate = { rate, at: now + this.opts.rateDelay };
  }
  seek(to: number, now: number) {
    this.pos = to;
    this.frozenUntil = now + this.opts.seekLatency;
  }
  advance(now: number, dt: number) {
    if (this.pendingRate && now >= this.pendingRate.at) {
      this.rate = this.pendingRate.rate;
      this.pendingRate = null;
    }
    if (now >= this.frozenUntil) this.pos += dt * this.rate;
  }
  read() {
    return this.pos + (this.r() * 2 - 1) * this.opts.noise;
  }
}

function run(
  startErrorMs: number,
  opts: { rateDelay?: number; seekLatency?: number; noise?: number; seconds?: number; seed?: number } = {},
) {
  const state = { playing: true, rate: 1, positionMs: 10_000, atServerMs: 0 };
  const player = new SimPlayer(10_000 + startErrorMs, {
    rateDelay: opts.rateDelay ?? 40,
    seekLatency: opts.seekLatency ?? 80,
    noise: opts.noise ?? 3,
    seed: opts.seed ?? 7,
  });
  const ctl = new DriftController();
  const trace: { t: number; err: number; kind: string; rate: number }[] = [];
  const dt = 10;
  let sinceSeek = Infinity;
  for (let now = 0; now <= (opts.seconds ?? 10) * 1000; now += dt) {
    player.advance(now, dt);
    sinceSeek += dt;
    if (now % 100 !== 0) continue; // the player ticks every 100 ms
    const target = positionAt(state, now);
    const err = player.read() - target;
    if (ctl.awaitingSeek && sinceSeek > 300) ctl.seekLanded(err);
    const c = ctl.decide(err, target, state.rate, now);
    trace.push({ t: now, err: player.pos - target, kind: c.kind, rate: player.rate });
    if (c.kind === 'seek') {
      player.seek(c.toMs, now);
      sinceSeek = 0;
    } else if (Math.abs(c.rate - player.rate) > 1e-3) player.setRate(c.rate, now);
  }
  return { trace, ctl };
}

describe('drift controller', () => {
  test('a small error is nudged away by rate within about two seconds, without overshoot', () => {
    for (const start of [120, -120, 60, -45]) {
      const { trace } = run(start);
      assert.ok(
        trace.every((x) => x.kind !== 'seek'),
        'no seek for small errors',
      );
      const settled = trace.find((x) => x.t >= 2500)!;
      assert.ok(Math.abs(settled.err) < 15, `start ${start}: ${settled.err.toFixed(1)} ms left after 2.5 s`);
      // Never crosses over to the other side by more than the noise: no oscillation.
      assert.ok(
        trace.every((x) => Math.sign(x.err) !== -Math.sign(start) || Math.abs(x.err) < 12),
        `start ${start} overshot`,
      );
      assert.ok(trace.every((x) => Math.abs(x.rate - 1) <= DEFAULT_THRESHOLDS.maxNudge + 1e-9));
    }
  });

  test('measurement noise alone never moves the rate (hysteresis)', () => {
    // Chromium's currentTime sits within ±2 ms of a line; twice that must not trigger anything.
    const { trace } = run(0, { noise: 4, seconds: 30 });
    assert.ok(
      trace.every((x) => x.kind === 'none'),
      `acted on noise at ${trace.find((x) => x.kind !== 'none')?.t}`,
    );
  });

  test('once settled it stays settled: rate changes stop', () => {
    const { trace } = run(150, { seconds: 20 });
    const late = trace.filter((x) => x.t > 5000);
    assert.ok(late.every((x) => x.kind === 'none' && Math.abs(x.rate - 1) < 1e-9));
  });

  test('a large error is seeked once, landing close thanks to the learned seek latency', () => {
    const { trace, ctl } = run(2000, { seekLatency: 150 });
    const seeks = trace.filter((x) => x.kind === 'seek');
    assert.equal(seeks.length, 1);
    const afterSeek = trace.find((x) => x.t >= 1500)!;
    assert.ok(Math.abs(afterSeek.err) < 60, `${afterSeek.err} ms after the seek`);
    assert.ok(ctl.seekLatencyMs > 100 && ctl.seekLatencyMs < 160, `learned ${ctl.seekLatencyMs}`);
    const end = trace[trace.length - 1]!;
    assert.ok(Math.abs(end.err) < 15);
  });

  test('seek cool-down: a seek that landed badly does not trigger a storm of seeks', () => {
    // A player whose seeks take 600 ms (far above the 80 ms first guess) lands ~500 ms behind.
    const { trace } = run(-3000, { seekLatency: 600, seconds: 8 });
    const seekTimes = trace.filter((x) => x.kind === 'seek').map((x) => x.t);
    for (let i = 1; i < seekTimes.length; i++) assert.ok(seekTimes[i]! - seekTimes[i - 1]! >= DEFAULT_THRESHOLDS.seekCooldownMs);
    assert.ok(seekTimes.length <= 3, `seeks at ${seekTimes.join(', ')}`);
    assert.ok(Math.abs(trace[trace.length - 1]!.err) < 20);
  });

  test('follows a party playing at 1.5×, nudging around that rate', () => {
    const ctl = new DriftController();
    const c = ctl.decide(-100, 5000, 1.5, 0);
    assert.equal(c.kind, 'rate');
    assert.ok(c.rate > 1.5 && c.rate <= 1.5 * 1.1 + 1e-9);
    assert.deepEqual(ctl.decide(1, 5000, 1.5, 100), { kind: 'none', rate: 1.5 });
  });
});
