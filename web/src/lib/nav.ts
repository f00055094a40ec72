/** Only same-site paths are followed after login, so a crafted link cannot bounce people elsewhere. */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  return raw;
}
