/**
 * The `<head>` tags a link preview (OpenGraph, Twitter cards) reads. Crawlers do not run the
 * app's scripts, so the server writes these into index.html for the shared URLs.
 */
export interface LinkPreview {
  title: string;
  description: string;
  /** Absolute URL of the picture, or null for none. */
  image: string | null;
  /** Absolute URL of the page itself. */
  url: string;
  type: 'video.other' | 'profile' | 'product' | 'website';
  /** A wide picture (poster, cover) rather than a square avatar. */
  large: boolean;
  lang: 'en' | 'zh-CN';
}

const SITE = 'Tremolo';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A text cut to `max` characters on a code point boundary, with an ellipsis when cut. */
export function clip(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

export function headTags(p: LinkPreview): string {
  const meta = (attr: 'property' | 'name', key: string, value: string) => `<meta ${attr}="${key}" content="${escapeHtml(value)}" />`;
  const tags = [
    `<title>${escapeHtml(p.title)}</title>`,
    meta('name', 'description', p.description),
    `<link rel="canonical" href="${escapeHtml(p.url)}" />`,
    meta('property', 'og:site_name', SITE),
    meta('property', 'og:type', p.type),
    meta('property', 'og:title', p.title),
    meta('property', 'og:description', p.description),
    meta('property', 'og:url', p.url),
    meta('property', 'og:locale', p.lang === 'zh-CN' ? 'zh_CN' : 'en_US'),
    meta('name', 'twitter:card', p.image && p.large ? 'summary_large_image' : 'summary'),
    meta('name', 'twitter:title', p.title),
    meta('name', 'twitter:description', p.description),
  ];
  if (p.image) tags.push(meta('property', 'og:image', p.image), meta('name', 'twitter:image', p.image));
  return tags.join('\n    ');
}

/** index.html with its own `<title>` replaced by the preview's tags. */
export function injectHead(html: string, tags: string): string {
  const withoutTitle = html.replace(/<title>[^<]*<\/title>\s*/i, '');
  const at = withoutTitle.search(/<\/head>/i);
  if (at < 0) return html;
  return `${withoutTitle.slice(0, at)}  ${tags}\n  ${withoutTitle.slice(at)}`;
}
