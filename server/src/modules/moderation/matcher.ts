/**
 * The word filter's matcher: pure, so every rule of how text is folded is unit-tested.
 *
 * Text and words are folded the same way before a plain substring search: NFKC (full-width letters
 * and digits, ligatures, circled forms become plain ones), lower case, look-alike letters from
 * other scripts and common digit/symbol stand-ins (leetspeak) become the Latin letter they imitate,
 * separators (spaces, punctuation, symbols, zero-width characters) go, and runs of one character
 * shrink to one. So "Ｆ Ｒ Ｅ Ｅ", "f.r.e.e", "fr33" and "frеe" (Cyrillic е) all contain "free".
 */

const FOLD: Record<string, string> = {
  // Leetspeak: digits and symbols standing in for letters.
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'i',
  '+': 't',
  // Letters that look Latin, from Cyrillic and Greek.
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  // Latin look-alikes with no decomposition NFKC would undo.
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
};

/** Separators that obfuscation slips between letters: whitespace, punctuation, symbols, marks, invisible format characters. */
const SEPARATOR = /[\p{Z}\p{P}\p{S}\p{Cc}\p{Cf}\p{M}]/u;

/** Folds text for matching (see the module comment). */
export function fold(input: string): string {
  // NFKD after NFKC strips accents (é → e + mark, the mark then dropped as a separator).
  const s = input.normalize('NFKC').toLowerCase().normalize('NFKD');
  let out = '';
  let last = '';
  for (const ch of s) {
    const folded = FOLD[ch] ?? ch;
    if (SEPARATOR.test(folded)) continue;
    if (folded === last) continue;
    out += folded;
    last = folded;
  }
  return out;
}

export interface WordRule<T = unknown> {
  word: string;
  action: 'block' | 'hold';
  /** Carried back on a match (which list it came from). */
  tag: T;
}

export interface Match<T = unknown> {
  word: string;
  action: 'block' | 'hold';
  tag: T;
}

/**
 * The strongest rule the text trips: a block beats a hold; among equals, the first listed.
 * Words that fold to nothing (only punctuation) never match.
 */
export function findMatch<T>(text: string, rules: readonly WordRule<T>[]): Match<T> | null {
  if (rules.length === 0) return null;
  const hay = fold(text);
  let found: Match<T> | null = null;
  for (const r of rules) {
    const needle = fold(r.word);
    if (!needle || !hay.includes(needle)) continue;
    if (r.action === 'block') return { word: r.word, action: 'block', tag: r.tag };
    found ??= { word: r.word, action: 'hold', tag: r.tag };
  }
  return found;
}
