import { useCallback } from 'react';
import { useErrorText } from '../../lib/errors.ts';
import { isMessageKey, useI18n } from '../../lib/i18n.tsx';
import { PublishError } from '../../lib/realtime.ts';

/** A failed invitation in words: the HTTP errors as everywhere, the realtime link's refusals by their code. */
export function useInviteErrorText(): (err: unknown) => string {
  const errorText = useErrorText();
  const { t, lang } = useI18n();
  return useCallback(
    (err: unknown) => {
      if (!(err instanceof PublishError)) return errorText(err);
      if (err.code === 'disconnected') return t('watch.inviteOffline');
      if (lang === 'en' && err.message) return err.message;
      const key = `error.${err.code}`;
      return isMessageKey(key) ? t(key) : t('watch.inviteFailed');
    },
    [errorText, t, lang],
  );
}
