/** Joins the class names that apply (a CSS module's names with their state names). */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}
