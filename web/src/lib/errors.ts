import { useCallback } from 'react';
import { ApiError } from './api.ts';
import { isMessageKey, useI18n, type MessageKey } from './i18n.tsx';

export type ErrorOverrides = Partial<Record<ApiError['code'], MessageKey>>;

/** Codes added to the protocol after this bundle was written fall back to a generic sentence. */
function codeKey(code: ApiError['code']): MessageKey {
  const key = `error.${code}`;
  return isMessageKey(key) ? key : 'error.unknown';
}

/**
 * Turns a failure into a sentence for the person. The server writes its messages in English and
 * they are the most specific, so English shows them as they are; Chinese shows our translation
 * of the error code (or a screen-specific one from `overrides`).
 */
export function useErrorText(): (err: unknown, overrides?: ErrorOverrides) => string {
  const { lang, t } = useI18n();
  return useCallback(
    (err, overrides) => {
      if (!(err instanceof ApiError)) return t('error.unknown');
      const local = err.code === 'network' || err.code === 'bad_response';
      if (lang === 'en' && !local && err.message) return err.message;
      if (err.code === 'rate_limited' && err.retryAfterSec !== null && !overrides?.rate_limited)
        return t('error.rate_limited_wait', { n: err.retryAfterSec });
      const key = overrides?.[err.code] ?? codeKey(err.code);
      return t(key);
    },
    [lang, t],
  );
}
