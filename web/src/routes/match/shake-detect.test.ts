import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShakeDetector, SHAKE_QUIET_MS, coarse, oneWayFromRtts } from './shake-detect.ts';

const still = { x: 0, y: 0, z: 9.81 };
const hard = { x: 14, y: 6, z: 9.81 };

test('a phone at rest or one bump is not a shake', () => {
  const d = new ShakeDetector();
  for (let t = 0; t < 2000; t += 16) assert.equal(d.sample(still, t), false);
  assert.equal(d.sample(hard, 2000), false);
  // The next strong sample comes too late to count with the first.
  assert.equal(d.sample(hard, 2500), false);
});

test('two strong samples within 400 ms are one shake, then it stays quiet for a while', () => {
  const d = new ShakeDetector();
  assert.equal(d.sample(hard, 0), false);
  assert.equal(d.sample(hard, 120), true);
  assert.equal(d.sample(hard, 200), false);
  assert.equal(d.sample(hard, 300), false);
  assert.equal(d.sample(hard, 120 + SHAKE_QUIET_MS + 10), false);
  assert.equal(d.sample(hard, 120 + SHAKE_QUIET_MS + 100), true);
});

test('missing axes count as zero; the delay is half the best round trip; places are rounded', () => {
  const d = new ShakeDetector();
  assert.equal(d.sample({ x: null, y: null, z: 20 }, 0), false);
  assert.equal(d.sample({ x: null, y: 20, z: null }, 50), true);
  assert.equal(oneWayFromRtts([]), null);
  assert.equal(oneWayFromRtts([80, 41, 60]), 21);
  assert.equal(coarse(31.23456), 31.23);
  assert.equal(coarse(-121.4749), -121.47);
});
