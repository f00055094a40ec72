import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashtagsIn, parseRichText, tagPath } from './rich-text.ts';

describe('parseRichText', () => {
  test('plain text stays one piece, and empty text has none', () => {
    assert.deepEqual(parseRichText('just words'), [{ kind: 'text', text: 'just words' }]);
    assert.deepEqual(parseRichText(''), []);
  });

  test('hashtags and mentions between words', () => {
    assert.deepEqual(parseRichText('Hi @alice_1, try #Lipstick today'), [
      { kind: 'text', text: 'Hi ' },
      { kind: 'mention', text: '@alice_1', handle: 'alice_1' },
      { kind: 'text', text: ', try ' },
      { kind: 'hashtag', text: '#Lipstick', tag: 'lipstick' },
      { kind: 'text', text: ' today' },
    ]);
  });

  test('Chinese hashtags, glued to Chinese text, end at a space or punctuation', () => {
    assert.deepEqual(parseRichText('今天的妆#口红试色，还有#夏日 好看'), [
      { kind: 'text', text: '今天的妆' },
      { kind: 'hashtag', text: '#口红试色', tag: '口红试色' },
      { kind: 'text', text: '，还有' },
      { kind: 'hashtag', text: '#夏日', tag: '夏日' },
      { kind: 'text', text: ' 好看' },
    ]);
  });

  test('a mention glued to Chinese text is a mention; an e-mail address is not', () => {
    assert.deepEqual(parseRichText('谢谢@bob_shop'), [
      { kind: 'text', text: '谢谢' },
      { kind: 'mention', text: '@bob_shop', handle: 'bob_shop' },
    ]);
    assert.deepEqual(parseRichText('mail me at a.b@example.com'), [{ kind: 'text', text: 'mail me at a.b@example.com' }]);
    assert.deepEqual(parseRichText('x@abc'), [{ kind: 'text', text: 'x@abc' }]);
  });

  test('what cannot be a handle or a tag stays text', () => {
    // Too short, too long, a lone sign.
    assert.deepEqual(parseRichText('@ab and @'), [{ kind: 'text', text: '@ab and @' }]);
    assert.deepEqual(parseRichText(`@${'a'.repeat(25)}`), [{ kind: 'text', text: `@${'a'.repeat(25)}` }]);
    assert.deepEqual(parseRichText('# and ##'), [{ kind: 'text', text: '# and ##' }]);
    assert.deepEqual(parseRichText(`#${'长'.repeat(31)}`), [{ kind: 'text', text: `#${'长'.repeat(31)}` }]);
    assert.deepEqual(parseRichText(`#${'长'.repeat(30)}`), [{ kind: 'hashtag', text: `#${'长'.repeat(30)}`, tag: '长'.repeat(30) }]);
  });

  test('a # glued to Latin letters or an address is not a tag', () => {
    assert.deepEqual(parseRichText('I code C#sharp, see https://x.io/a#top and &#39;'), [
      { kind: 'text', text: 'I code C#sharp, see https://x.io/a#top and &#39;' },
    ]);
  });

  test('markup is never interpreted: it stays text around the links', () => {
    assert.deepEqual(parseRichText('<b>#tag</b>'), [
      { kind: 'text', text: '<b>' },
      { kind: 'hashtag', text: '#tag', tag: 'tag' },
      { kind: 'text', text: '</b>' },
    ]);
  });

  test('hashtags back to back, and a mention right after a tag', () => {
    assert.deepEqual(parseRichText('#a#b @carl'), [
      { kind: 'hashtag', text: '#a', tag: 'a' },
      { kind: 'hashtag', text: '#b', tag: 'b' },
      { kind: 'text', text: ' ' },
      { kind: 'mention', text: '@carl', handle: 'carl' },
    ]);
  });

  test('the pieces give back the text exactly', () => {
    for (const s of ['', 'a #b @ccc d', '混合 #中文Tag_1 @user_x。', '@@abc ##def']) {
      assert.equal(
        parseRichText(s)
          .map((p) => p.text)
          .join(''),
        s,
      );
    }
  });
});

test('hashtagsIn lists each tag once, lowercased', () => {
  assert.deepEqual(hashtagsIn('#Red #red #口红 plain @who_is'), ['red', '口红']);
});

test('tagPath encodes the tag for the address bar', () => {
  assert.equal(tagPath('口红'), '/t/%E5%8F%A3%E7%BA%A2');
  assert.equal(tagPath('summer_2026'), '/t/summer_2026');
});
