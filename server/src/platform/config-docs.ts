/** The generated table sits between these markers in README.md; everything around it is prose. */
const BEGIN = '<!-- config:begin (generated from server/src/platform/config.ts by `npm run docs:config`; do not edit by hand) -->';
const END = '<!-- config:end -->';

export function configTableIn(readme: string): string | undefined {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + BEGIN.length, end).trim();
}

export function replaceConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  return `${readme.slice(0, start + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
