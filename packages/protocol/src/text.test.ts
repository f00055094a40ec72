import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import * as protocol from './index.ts';
import { text, textRuleGaps } from './common.ts';

test('text() refuses U+0000 and unpaired surrogates, and keeps every other character', () => {
  for (const bad of ['\u0000', 'a\u0000', '\ud800', 'x\udc00y', '\ud83d', '\ude00\ud83d']) {
    const r = text().safeParse(bad);
    assert.equal(r.success, false, JSON.stringify(bad));
  }
  for (const good of ['', 'hello', '你好，世界', '😀 emoji', '\u0001\t\n', 'e\u0301', '\uffff', '𝒳']) {
    assert.equal(text().safeParse(good).success, true, JSON.stringify(good));
  }
});

test('the rule names the field', () => {
  const r = protocol.SignupBody.safeParse({ handle: 'someone', password: 'correct horse', displayName: 'a\u0000b' });
  assert.equal(r.success, false);
  assert.deepEqual(
    r.error!.issues.map((i) => i.path.join('.')),
    ['displayName'],
  );
});

test('every string in every exported schema goes through text()', () => {
  const gaps: string[] = [];
  let schemas = 0;
  for (const [name, value] of Object.entries(protocol)) {
    if (!(value instanceof z.ZodType)) continue;
    schemas++;
    gaps.push(...textRuleGaps(value, name).map((p) => (p.startsWith(name) ? p : `${name}.${p}`)));
  }
  assert.ok(schemas > 100, `only ${schemas} schemas exported`);
  assert.deepEqual(gaps, [], 'plain strings that skip the text rule');
});

test('the walker finds a plain string wherever it hides', () => {
  const hidden = z.strictObject({
    a: text(),
    b: z.string().optional(),
    c: z.array(z.object({ d: z.string().nullable() })),
    e: z.record(z.string(), text()),
    f: z.discriminatedUnion('k', [z.object({ k: z.literal('x'), g: z.string().default('') })]),
    h: text()
      .transform((s) => s.length)
      .pipe(z.number()),
    i: z.lazy(() => z.string()),
    id: z.uuid(),
  });
  assert.deepEqual(textRuleGaps(hidden).sort(), ['b', 'c.*.d', 'e.<key>', 'f.g', 'i'].sort());
});
