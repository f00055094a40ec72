import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { safeNext } from '../../lib/nav.ts';
import { runPendingAction } from '../../lib/pending.ts';
import { useSession } from '../../lib/session.tsx';

export function Login() {
  const { t, lang } = useI18n();
  const { me, login } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  // Arriving from "delete my account": say when, and that logging in keeps it.
  const deletion = params.get('deletion');
  const deletionAt = deletion && !Number.isNaN(Date.parse(deletion)) ? new Date(deletion) : null;
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (me && !busy) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ handle: handle.trim().replace(/^@/, '').toLowerCase(), password });
      // What they tapped before having an account (a like, a follow) is done before they are back.
      await runPendingAction();
      void navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="auth">
      <h1>{t('auth.loginTitle')}</h1>
      <p className="muted">{t('auth.loginLead')}</p>
      {deletionAt && (
        <p className="error-box" role="status" data-testid="login-deletion-note">
          {t('rights.deleteScheduled', { time: deletionAt.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' }) })}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} className="form" data-testid="login-form" noValidate>
        <Field
          id="login-handle"
          label={t('auth.handle')}
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          data-testid="login-handle"
        />
        <Field
          id="login-password"
          label={t('auth.password')}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
          data-testid="login-password"
        />
        {error !== null && <ErrorMessage error={error} testId="login-error" />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !handle || !password} data-testid="login-submit">
          {busy ? t('auth.loggingIn') : t('auth.login')}
        </button>
      </form>
      <p className="auth-switch">
        {t('auth.noAccount')}{' '}
        <Link to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} data-testid="goto-signup">
          {t('auth.signup')}
        </Link>
      </p>
    </section>
  );
}
