import type { Lang } from './i18n.tsx';

/** Amounts travel as integer minor units; the currency says how many of them make one unit. */
export function formatMoney(minor: number, currency: string, lang: Lang): string {
  const fmt = new Intl.NumberFormat(lang, { style: 'currency', currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(minor / 10 ** digits);
}

export function formatPriceRange(min: number, max: number, currency: string, lang: Lang): string {
  return min === max ? formatMoney(min, currency, lang) : `${formatMoney(min, currency, lang)} – ${formatMoney(max, currency, lang)}`;
}
