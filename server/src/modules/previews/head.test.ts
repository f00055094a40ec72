import { describe, test as it } from 'node:test';
import assert from 'node:assert/strict';
import { clip, headTags, injectHead, type LinkPreview } from './head.ts';

const base: LinkPreview = {
  title: 'Tomato eggs <in> 60s',
  description: 'Chef "Wang" & friends',
  image: 'https://t.example/api/v1/videos/1/poster',
  url: 'https://t.example/v/1',
  type: 'video.other',
  large: true,
  lang: 'en',
};

describe('link preview head', () => {
  it('escapes what people wrote and names the image for both card kinds', () => {
    const tags = headTags(base);
    assert.ok(tags.includes('<meta property="og:title" content="Tomato eggs &#60;in&#62; 60s" />'));
    assert.ok(tags.includes('content="Chef &#34;Wang&#34; &#38; friends"'));
    assert.ok(tags.includes('<meta property="og:image" content="https://t.example/api/v1/videos/1/poster" />'));
    assert.ok(tags.includes('<meta name="twitter:card" content="summary_large_image" />'));
    assert.ok(!tags.includes('<in>'));
  });

  it('has no image tags without a picture, and a small card for an avatar', () => {
    assert.ok(!headTags({ ...base, image: null }).includes('og:image'));
    assert.ok(headTags({ ...base, large: false }).includes('content="summary"'));
  });

  it('replaces the page title and keeps the rest of index.html', () => {
    const html = '<html><head><meta charset="UTF-8" /><title>Tremolo</title></head><body><div id="root"></div></body></html>';
    const out = injectHead(html, headTags(base));
    assert.equal(out.match(/<title>/g)?.length, 1);
    assert.ok(out.includes('<title>Tomato eggs &#60;in&#62; 60s</title>'));
    assert.ok(out.includes('<div id="root"></div>'));
    assert.ok(out.indexOf('og:title') < out.indexOf('</head>'));
  });

  it('clips long text on a character boundary', () => {
    assert.equal(clip('番茄炒蛋番茄炒蛋', 5), '番茄炒蛋…');
    assert.equal(clip('  a \n b ', 10), 'a b');
  });
});
