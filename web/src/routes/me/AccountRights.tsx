import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Audience, DataExport, PrivacySettings } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { setCsrfToken } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import styles from './NotificationSettings.module.css';

const AUDIENCES: Audience[] = ['everyone', 'following', 'friends'];

function when(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function Back({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <header className="page-head">
      <Link to="/me" className="back">
        ‹ {t('common.back')}
      </Link>
      <h1>{title}</h1>
    </header>
  );
}

/** Who may message and invite me, whether my likes show, whether search finds me. */
export function PrivacySettingsPage() {
  const { t } = useI18n();
  const settings = useApiQuery(api.rights.privacy, undefined);
  const save = useApiMutation(api.rights.setPrivacy, { invalidates: [api.rights.privacy, api.accounts.me] });
  const set = (patch: Partial<PrivacySettings>) => save.mutate({ body: patch });
  const data = settings.data;

  const audience = (what: 'messages' | 'invites') => (
    <fieldset className={styles.card} data-testid={`privacy-${what}`}>
      <legend className={styles.legend}>{t(what === 'messages' ? 'rights.messages' : 'rights.invites')}</legend>
      {AUDIENCES.map((a) => (
        <label key={a} className={styles.row}>
          <span>{t(`rights.audience.${a}`)}</span>
          <input
            type="radio"
            name={`privacy-${what}`}
            value={a}
            checked={data?.[what] === a}
            onChange={() => set({ [what]: a })}
            data-testid={`privacy-${what}-${a}`}
          />
        </label>
      ))}
    </fieldset>
  );

  return (
    <section className="stack" data-testid="privacy-settings">
      <Back title={t('rights.privacyTitle')} />
      {settings.isPending && <Loading />}
      {settings.error && <ErrorMessage error={settings.error} onRetry={() => void settings.refetch()} />}
      {data && (
        <>
          {audience('messages')}
          {audience('invites')}
          <div className={styles.card}>
            {(['likesVisible', 'discoverable'] as const).map((k) => (
              <label key={k} className={styles.row}>
                <span>{t(`rights.${k}`)}</span>
                <input
                  type="checkbox"
                  role="switch"
                  className={styles.switch}
                  checked={data[k]}
                  onChange={(e) => set({ [k]: e.target.checked })}
                  data-testid={`privacy-${k}`}
                />
              </label>
            ))}
          </div>
        </>
      )}
      {save.error && <ErrorMessage error={save.error} />}
      {save.isSuccess && (
        <p className="muted small" role="status" data-testid="privacy-saved">
          {t('rights.saved')}
        </p>
      )}
    </section>
  );
}

/** Ask for an archive, follow it being built, download it while the link lasts. */
export function DownloadDataPage() {
  const { t, lang } = useI18n();
  const status = useApiQuery(api.rights.exportStatus, undefined, {
    // While it is being built the page follows it; the inbox and push say so too.
    refetchInterval: (q) => (q.state.data?.latest && ['pending', 'building'].includes(q.state.data.latest.state) ? 2000 : false),
  });
  const ask = useApiMutation(api.rights.requestExport, { invalidates: [api.rights.exportStatus] });
  const latest: DataExport | null = status.data?.latest ?? null;
  const next = status.data?.nextAllowedAt ?? null;

  return (
    <section className="stack" data-testid="data-export">
      <Back title={t('rights.data')} />
      <p className="muted">{t('rights.dataLead')}</p>
      {status.isPending && <Loading />}
      {status.error && <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />}
      {latest && (
        <div className={`panel stack ${styles.card}`} data-testid="data-export-state" data-state={latest.state}>
          <p>{t(`rights.state.${latest.state}`)}</p>
          {(latest.state === 'pending' || latest.state === 'building') && <Loading />}
          {latest.state === 'ready' && latest.downloadUrl && (
            <>
              <a className="btn btn-primary btn-block" href={latest.downloadUrl} download data-testid="data-export-download">
                {t('rights.dataDownload', { size: size(latest.bytes ?? 0) })}
              </a>
              {latest.expiresAt && <p className="muted small">{t('rights.dataExpires', { time: when(latest.expiresAt, lang) })}</p>}
            </>
          )}
        </div>
      )}
      {status.data && !next && (
        <button
          type="button"
          className="btn btn-primary btn-block"
          onClick={() => ask.mutate(undefined)}
          disabled={ask.isPending}
          data-testid="data-export-request"
        >
          {ask.isPending ? t('rights.dataAsking') : t('rights.dataAsk')}
        </button>
      )}
      {next && <p className="muted small">{t('rights.dataNextAt', { time: when(next, lang) })}</p>}
      {ask.error && <ErrorMessage error={ask.error} />}
    </section>
  );
}

/** Password again, then the grace period; every session ends and logging in during it can cancel. */
export function DeleteAccountPage() {
  const { t, lang } = useI18n();
  const deletion = useApiQuery(api.rights.deletion, undefined);
  const [password, setPassword] = useState('');
  const remove = useApiMutation(api.rights.requestDeletion, {
    onSuccess: (d) => {
      // The server ended this session too: start afresh at the login page, which says when.
      setCsrfToken('');
      location.replace(`/login?deletion=${encodeURIComponent(d.dueAt ?? '')}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password) remove.mutate({ body: { password } });
  };
  // Whole days: only tests set a fraction of one.
  const days = Math.max(1, Math.round(deletion.data?.graceDays ?? 0));

  return (
    <section className="stack" data-testid="delete-account">
      <Back title={t('rights.delete')} />
      <p>{t('rights.deleteLead')}</p>
      {deletion.data && <p className="muted">{t('rights.deleteGrace', { days })}</p>}
      {deletion.data?.dueAt && (
        <p className="error-box" role="status">
          {t('rights.deleteScheduled', { time: when(deletion.data.dueAt, lang) })}
        </p>
      )}
      <form className="form panel" onSubmit={submit} noValidate data-testid="delete-form">
        <Field
          id="delete-password"
          label={t('rights.deletePassword')}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          data-testid="delete-password"
        />
        {remove.error && <ErrorMessage error={remove.error} testId="delete-error" />}
        <button type="submit" className="btn btn-danger btn-block" disabled={!password || remove.isPending} data-testid="delete-submit">
          {remove.isPending ? t('rights.deleting') : t('rights.deleteConfirm')}
        </button>
      </form>
    </section>
  );
}
