import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMatch, fold, type WordRule } from './matcher.ts';

const rules = (...xs: [string, 'block' | 'hold'][]): WordRule<string>[] => xs.map(([word, action]) => ({ word, action, tag: word }));

describe('word filter matcher', () => {
  it('folds full-width characters, case and spacing', () => {
    assert.equal(fold('Ｆ Ｒ Ｅ Ｅ'), 'fre');
    assert.equal(fold('F.r-e_e'), fold('free'));
    assert.ok(findMatch('get it ＦＲＥＥ now', rules(['free', 'block'])));
    assert.ok(findMatch('s p a m', rules(['spam', 'hold'])));
  });

  it('folds leetspeak and look-alike letters from other scripts', () => {
    assert.ok(findMatch('fr33 money', rules(['free', 'block'])));
    assert.ok(findMatch('$p@m', rules(['spam', 'block'])));
    // Cyrillic а and е in place of Latin ones.
    assert.ok(findMatch('spаm frеe', rules(['spam', 'block'])));
    assert.ok(findMatch('spam', rules(['$pam', 'block'])), 'the word is folded like the text');
  });

  it('ignores zero-width characters, accents and repeated letters', () => {
    assert.ok(findMatch('sp\u200bam', rules(['spam', 'block'])));
    assert.ok(findMatch('spåm', rules(['spam', 'block'])));
    assert.ok(findMatch('spaaaaam', rules(['spam', 'block'])));
  });

  it('matches Chinese words through spacing and full-width punctuation', () => {
    assert.ok(findMatch('你是 傻，瓜 吗', rules(['傻瓜', 'hold'])));
    assert.equal(findMatch('你好', rules(['傻瓜', 'hold'])), null);
  });

  it('prefers a block over a hold, and returns which rule matched', () => {
    const m = findMatch('cheap spam here', rules(['cheap', 'hold'], ['spam', 'block']));
    assert.deepEqual(m, { word: 'spam', action: 'block', tag: 'spam' });
    const h = findMatch('cheap stuff', rules(['cheap', 'hold'], ['spam', 'block']));
    assert.deepEqual(h, { word: 'cheap', action: 'hold', tag: 'cheap' });
  });

  it('does not match unrelated text or words that fold to nothing', () => {
    assert.equal(findMatch('hello world', rules(['spam', 'block'])), null);
    assert.equal(findMatch('!!! ...', rules(['...', 'block'])), null);
    assert.equal(findMatch('anything', []), null);
  });
});
