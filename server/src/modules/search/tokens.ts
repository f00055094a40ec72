import { pinyin } from 'pinyin-pro';

/**
 * Text → index tokens and query → tsquery, the same way on PGlite and PostgreSQL: the database
 * only stores and matches lexemes (`array_to_tsvector`, `tsquery` prefixes); every language rule
 * lives here. Chinese has no spaces, so a run of Han characters is indexed as its characters and
 * its overlapping pairs (bigrams) as well as the words `Intl.Segmenter` finds: a query's pairs
 * then match whether it was typed "口红试色", "口红 试色" or segmented differently from the text.
 */

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = new Intl.Segmenter('zh', { granularity: 'word' });
/** Longer lexemes are noise (pasted URLs, keyboard mashing) and only bloat the index. */
const MAX_TOKEN = 32;
/** Latin words at least this long get typo alternatives (one edit). */
export const TYPO_MIN = 4;

export function normalize(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** Word-like pieces: Latin words and digits as they are, Han runs whole (split further by `hanTokens`). */
function pieces(s: string): string[] {
  const out: string[] = [];
  for (const seg of WORD.segment(normalize(s))) {
    if (!seg.isWordLike) continue;
    for (const part of seg.segment.split(/[_\-.'’]+/)) if (part) out.push(part);
  }
  return out;
}

function hanTokens(run: string, into: Set<string>): void {
  const chars = [...run];
  for (let i = 0; i < chars.length; i++) {
    into.add(chars[i]!);
    if (i + 1 < chars.length) into.add(chars[i]! + chars[i + 1]!);
  }
}

/** The lexemes a text is found by. */
export function indexTokens(text: string): string[] {
  const out = new Set<string>();
  const norm = normalize(text);
  for (const run of norm.match(HAN_RUN) ?? []) hanTokens(run, out);
  for (const p of pieces(norm)) {
    if (p.length > MAX_TOKEN) continue;
    if (!HAN.test(p)) out.add(p);
    else if ([...p].length >= 2) out.add(p); // a segmenter word, e.g. 口红
  }
  // "mia_fan" is found by "mia_fan" as well as by "mia" and "fan".
  for (const w of norm.split(/\s+/)) if (/^[a-z0-9_]{2,32}$/.test(w) && w.includes('_')) out.add(w);
  return [...out];
}

/** Pinyin of a name or tag with Han characters: the initials ("lxm") and the syllables run together ("lixiaoming"). */
export function pinyinTokens(text: string): string[] {
  const han = (normalize(text).match(HAN_RUN) ?? []).join('');
  if (!han) return [];
  const syllables = pinyin(han, { toneType: 'none', type: 'array' }).map((s) => s.replace(/[^a-z]/g, ''));
  const initials = syllables.map((s) => s[0] ?? '').join('');
  return [...new Set([initials, syllables.join('')].filter((t) => t.length >= 2 && t.length <= MAX_TOKEN))];
}

/** Latin words of a text that typo correction may suggest (the vocabulary). */
export function vocabulary(tokens: readonly string[]): string[] {
  return tokens.filter((t) => t.length >= TYPO_MIN && t.length <= 20 && /^[a-z]+$/.test(t));
}

/** The word itself and every word one deletion away: two words within one edit share one of these. */
export function deletions(word: string): string[] {
  const out = new Set<string>([word]);
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return [...out];
}

/** One part of a query: the text must contain one of `alternatives` (a prefix when `prefix`). */
export interface QueryTerm {
  text: string;
  prefix: boolean;
  /** Latin words one edit away that the vocabulary knows (filled by the service). */
  alternatives: string[];
  han: boolean;
}

/**
 * What a query asks for: every Han pair (or a lone character) and every Latin word, each
 * required. Latin words match as prefixes ("lip" finds "lipstick", "lipsticks" finds the plural).
 */
export function queryTerms(q: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const add = (text: string, prefix: boolean, han: boolean) => {
    if (seen.has(text) || !text) return;
    seen.add(text);
    terms.push({ text, prefix, alternatives: [], han });
  };
  const norm = normalize(q);
  for (const run of norm.match(HAN_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) add(chars[0]!, false, true);
    for (let i = 0; i + 1 < chars.length; i++) add(chars[i]! + chars[i + 1]!, false, true);
  }
  for (const p of pieces(norm.replace(HAN_RUN, ' '))) if (p.length <= MAX_TOKEN) add(p, true, false);
  return terms.slice(0, 12);
}

function lexeme(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The tsquery text (for a `::tsquery` cast, which takes lexemes verbatim) requiring every term. */
export function toTsquery(terms: readonly QueryTerm[]): string {
  return terms
    .map((t) => {
      const alts = [`${lexeme(t.text)}${t.prefix ? ':*' : ''}`, ...t.alternatives.map(lexeme)];
      return alts.length === 1 ? alts[0]! : `(${alts.join(' | ')})`;
    })
    .join(' & ');
}
