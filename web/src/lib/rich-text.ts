/**
 * Captions and comments as pieces: plain text, #hashtags and @mentions, so the views can make the
 * last two links (a tag's page, a person's card) without ever rendering the text as HTML.
 */
export type RichPiece =
  | { kind: 'text'; text: string }
  | { kind: 'hashtag'; text: string; tag: string }
  | { kind: 'mention'; text: string; handle: string };

// The server takes every `#word` of a caption as a hashtag (videos' parseHashtags), so the same
// letters, digits and underscore make one here; a tag longer than the protocol's 30 is refused
// there, so it stays text here. A `#` glued to Latin letters or digits ("C#", "page#2", an
// address's fragment) is not a tag; one glued to Chinese text ("好看#口红") is, as people write it.
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const HASHTAG_MAX = 30;
// Handles are 3–24 lowercase letters, digits and underscores. An @ after a letter, digit, dot or
// underscore is an e-mail address, not a mention; a longer run of handle letters is not a handle.
const MENTION = /@([A-Za-z0-9_]+)/g;
const HANDLE = /^[A-Za-z0-9_]{3,24}$/;
const GLUED = /[A-Za-z0-9_.&/]/;

type Hit = { start: number; end: number; piece: RichPiece };

export function parseRichText(text: string): RichPiece[] {
  const hits: Hit[] = [];
  let tagEnd = -1;
  for (const m of text.matchAll(HASHTAG)) {
    const start = m.index;
    const before = start > 0 ? text[start - 1]! : '';
    const tag = m[1]!;
    // Tags written back to back ("#a#b") are each a tag.
    if ((GLUED.test(before) && start !== tagEnd) || [...tag].length > HASHTAG_MAX) continue;
    tagEnd = start + m[0].length;
    hits.push({ start, end: start + m[0].length, piece: { kind: 'hashtag', text: m[0], tag: tag.toLowerCase() } });
  }
  for (const m of text.matchAll(MENTION)) {
    const start = m.index;
    const before = start > 0 ? text[start - 1]! : '';
    const handle = m[1]!;
    if (GLUED.test(before) || !HANDLE.test(handle)) continue;
    // Inside a hashtag ("#a@b") the hashtag wins: it came first in the text.
    if (hits.some((h) => start >= h.start && start < h.end)) continue;
    hits.push({ start, end: start + m[0].length, piece: { kind: 'mention', text: m[0], handle: handle.toLowerCase() } });
  }
  hits.sort((a, b) => a.start - b.start);

  const out: RichPiece[] = [];
  let at = 0;
  for (const h of hits) {
    if (h.start < at) continue;
    if (h.start > at) out.push({ kind: 'text', text: text.slice(at, h.start) });
    out.push(h.piece);
    at = h.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

/** The hashtags a text links to, lowercased, in order, each once. */
export function hashtagsIn(text: string): string[] {
  return [...new Set(parseRichText(text).flatMap((p) => (p.kind === 'hashtag' ? [p.tag] : [])))];
}

/** The path of a hashtag's page. */
export function tagPath(tag: string): string {
  return `/t/${encodeURIComponent(tag)}`;
}
