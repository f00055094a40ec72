import type { MessageKey } from './i18n.tsx';

/**
 * Client-side checks mirror the protocol's limits so people get a translated hint before a
 * round trip; the server still validates everything.
 */
export function handleProblem(handle: string): MessageKey | null {
  if (handle.length < 3 || handle.length > 24) return 'validate.handleLength';
  if (!/^[a-z0-9_]+$/.test(handle)) return 'validate.handleChars';
  return null;
}

export function displayNameProblem(name: string): MessageKey | null {
  const n = name.trim().length;
  if (n < 1) return 'validate.displayNameRequired';
  if (n > 40) return 'validate.displayNameLength';
  return null;
}

export function passwordProblem(pw: string): MessageKey | null {
  if (pw.length < 8) return 'validate.passwordLength';
  if (pw.length > 200) return 'validate.passwordTooLong';
  return null;
}

export function linkUrlProblem(url: string): MessageKey | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'validate.linkUrl';
  } catch {
    return 'validate.linkUrl';
  }
  if (url.length > 300) return 'validate.linkUrlLength';
  return null;
}

export function linkLabelProblem(label: string): MessageKey | null {
  const n = label.trim().length;
  if (n < 1) return 'validate.linkLabelRequired';
  if (n > 30) return 'validate.linkLabelLength';
  return null;
}
