import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { format } from '../lib/i18n.tsx';
import { ErrorCode } from '@tremolo/protocol';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every Chinese string uses the same placeholders as its English original', () => {
  for (const key of Object.keys(en) as MessageKey[]) {
    assert.deepEqual(placeholders(zhCN[key]), placeholders(en[key]), key);
  }
});

test('Chinese strings are translated, not copied', () => {
  // Brand and technical tokens may match; prose must not.
  const same = (Object.keys(en) as MessageKey[]).filter((k) => zhCN[k] === en[k] && /[a-z]{3,}/i.test(en[k].replace(/\{\w+\}/g, '')));
  assert.deepEqual(same, []);
});

test('format fills known placeholders and leaves unknown ones visible', () => {
  assert.equal(format('{name} followed you', { name: 'Alice' }), 'Alice followed you');
  assert.equal(format('{count} unread {what}', { count: 3 }), '3 unread {what}');
});

test('every error code the server can send has a sentence of its own, so no raw code reaches the screen', () => {
  const missing = ErrorCode.options.filter((code) => !Object.hasOwn(en, `error.${code}`));
  assert.deepEqual(missing, []);
});
