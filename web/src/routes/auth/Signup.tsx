import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { safeNext } from '../../lib/nav.ts';
import { runPendingAction } from '../../lib/pending.ts';
import { useSession } from '../../lib/session.tsx';
import { displayNameProblem, handleProblem, passwordProblem } from '../../lib/validate.ts';

export function Signup() {
  const { t } = useI18n();
  const { me, signup } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (me && !busy) return <Navigate to={next} replace />;

  const problems = {
    handle: handleProblem(handle),
    displayName: displayNameProblem(displayName),
    password: passwordProblem(password),
  };
  const show = (k: keyof typeof problems) => {
    const p = problems[k];
    return touched && p ? t(p) : null;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problems.handle || problems.displayName || problems.password) return;
    setBusy(true);
    setError(null);
    try {
      await signup({ handle, displayName: displayName.trim(), password });
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
      <h1>{t('auth.signupTitle')}</h1>
      <p className="muted">{t('auth.signupLead')}</p>
      <form onSubmit={(e) => void submit(e)} className="form" data-testid="signup-form" noValidate>
        <Field
          id="signup-handle"
          label={t('auth.handle')}
          hint={t('auth.handleHint')}
          problem={show('handle')}
          value={handle}
          onChange={(e) => setHandle(e.target.value.toLowerCase().replace(/\s/g, ''))}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={24}
          data-testid="signup-handle"
        />
        <Field
          id="signup-name"
          label={t('auth.displayName')}
          problem={show('displayName')}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          autoComplete="nickname"
          maxLength={40}
          data-testid="signup-name"
        />
        <Field
          id="signup-password"
          label={t('auth.password')}
          hint={t('auth.passwordHint')}
          problem={show('password')}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          data-testid="signup-password"
        />
        {error !== null && <ErrorMessage error={error} testId="signup-error" />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="signup-submit">
          {busy ? t('auth.signingUp') : t('auth.signup')}
        </button>
      </form>
      <p className="auth-switch">
        {t('auth.haveAccount')}{' '}
        <Link to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} data-testid="goto-login">
          {t('auth.login')}
        </Link>
      </p>
    </section>
  );
}
