import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterestModel } from './interest-model.ts';

test('likes raise a hashtag, not-interested lowers it', () => {
  const m = new InterestModel();
  m.observe('u', 'like', ['cooking']);
  m.observe('u', 'like', ['cooking', 'noodles']);
  m.observe('u', 'not_interested', ['makeup']);
  assert.deepEqual(m.topTags('u', 5), ['cooking', 'noodles']);
  assert.ok(m.score('u', ['cooking']) > m.score('u', ['noodles']));
  assert.ok(m.score('u', ['makeup']) < 0);
  assert.equal(m.score('u', ['unknown']), 0);
  assert.equal(m.score('stranger', ['cooking']), 0);
});

test('recent taste wins over old taste', () => {
  const m = new InterestModel();
  for (let i = 0; i < 3; i++) m.observe('u', 'like', ['old']);
  for (let i = 0; i < 40; i++) m.observe('u', 'watch', ['filler']);
  for (let i = 0; i < 3; i++) m.observe('u', 'like', ['new']);
  assert.ok(m.score('u', ['new']) > m.score('u', ['old']));
});

test('scores are bounded whatever the history', () => {
  const m = new InterestModel();
  for (let i = 0; i < 1000; i++) m.observe('u', 'like', ['x']);
  const s = m.score('u', ['x']);
  assert.ok(s > 0.9 && s <= 1);
});

test('the lazy decay gives the same scores as decaying every tag on every event, over long histories', () => {
  const m = new InterestModel();
  const ref = new Map<string, number>();
  const tags = ['a', 'b', 'c', 'd'];
  for (let i = 0; i < 6000; i++) {
    const t = [tags[i % 4]!, tags[(i * 7) % 4]!];
    m.observe('u', i % 9 === 0 ? 'not_interested' : 'like', t);
    for (const [k, v] of ref) ref.set(k, v * 0.98);
    const w = (i % 9 === 0 ? -4 : 3) / Math.sqrt(t.length);
    for (const k of t) ref.set(k, (ref.get(k) ?? 0) + w);
  }
  for (const k of tags) assert.ok(Math.abs(m.score('u', [k]) - Math.tanh(ref.get(k)! / 6)) < 1e-9, k);
});
