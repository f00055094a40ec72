import { useEffect, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { PushPrefs } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { disablePush, enablePush, PUSH_KINDS, pushState, syncPushLanguage, type PushState } from '../../lib/push.ts';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import styles from './NotificationSettings.module.css';

/** Push on this device, and the kinds of push (the same on every device of mine). */
export function NotificationSettings() {
  const { t, lang } = useI18n();
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const prefs = useApiQuery(api.push.prefs, undefined);
  const save = useApiMutation(api.push.setPrefs, { invalidates: [api.push.prefs] });

  useEffect(() => {
    void pushState().then(setState);
  }, []);
  useEffect(() => {
    void syncPushLanguage(lang).catch(() => undefined);
  }, [lang]);

  const toggleDevice = async () => {
    setBusy(true);
    setProblem(null);
    try {
      if (state === 'on') {
        await disablePush();
        setState('off');
      } else {
        setState(await enablePush(lang));
      }
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const setKind = (k: keyof PushPrefs, on: boolean) => save.mutate({ body: { [k]: on } });

  return (
    <section className="stack" data-testid="push-settings">
      <h1>{t('push.title')}</h1>
      <div className={styles.card}>
        <div className={styles.row}>
          <span className={styles.label}>
            <span id="push-device-label">{t('push.device')}</span>
            <span className="muted small">{t('push.deviceHint')}</span>
          </span>
          {state === null ? (
            <Loading testId="push-state-loading" />
          ) : state === 'on' || state === 'off' ? (
            <button
              type="button"
              className={`btn ${styles.action} ${state === 'on' ? 'btn-ghost' : 'btn-primary'}`}
              onClick={() => void toggleDevice()}
              disabled={busy}
              aria-describedby="push-device-label"
              data-testid="push-device-toggle"
              data-state={state}
            >
              {busy ? t('push.working') : state === 'on' ? t('push.turnOff') : t('push.turnOn')}
            </button>
          ) : null}
        </div>
        {state === 'unsupported' && (
          <p className="muted" data-testid="push-unsupported">
            {t('push.unsupported')}
          </p>
        )}
        {state === 'denied' && (
          <p className="error-box" role="alert" data-testid="push-denied">
            {t('push.denied')}
          </p>
        )}
        {problem && (
          <p className="error-box" role="alert" data-testid="push-problem">
            {t('push.failed', { reason: problem })}
          </p>
        )}
      </div>
      <fieldset className={styles.card} disabled={!prefs.data}>
        <legend className={styles.legend}>{t('push.kinds')}</legend>
        {prefs.isPending && <Loading testId="push-prefs-loading" />}
        {prefs.error && <ErrorMessage error={prefs.error} onRetry={() => void prefs.refetch()} />}
        {prefs.data &&
          PUSH_KINDS.map((k) => (
            <label key={k} className={styles.row}>
              <span>{t(`push.kind.${k}`)}</span>
              <input
                type="checkbox"
                role="switch"
                className={styles.switch}
                checked={prefs.data[k]}
                onChange={(e) => setKind(k, e.target.checked)}
                data-testid={`push-kind-${k}`}
              />
            </label>
          ))}
        {save.error && <ErrorMessage error={save.error} />}
        {save.isSuccess && (
          <p className="muted small" role="status">
            {t('push.saved')}
          </p>
        )}
      </fieldset>
    </section>
  );
}
