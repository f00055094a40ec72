import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { Ok } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { api } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { passwordProblem } from '../../lib/validate.ts';

export function ChangePassword() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const nextProblem = passwordProblem(next);
  const repeatProblem = repeat !== next ? 'validate.passwordMismatch' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setDone(false);
    if (!current || nextProblem || repeatProblem) return;
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/password', Ok, { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
      setTouched(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="stack">
      <header className="page-head">
        <Link to="/me" className="back">
          ‹ {t('common.back')}
        </Link>
        <h1>{t('password.title')}</h1>
      </header>
      <form className="form panel" onSubmit={(e) => void submit(e)} noValidate data-testid="password-form">
        <Field id="pw-current" label={t('password.current')} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" problem={touched && !current ? t('validate.required') : null} data-testid="pw-current" />
        <Field id="pw-new" label={t('password.new')} hint={t('auth.passwordHint')} type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" problem={touched && nextProblem ? t(nextProblem) : null} data-testid="pw-new" />
        <Field id="pw-repeat" label={t('password.repeat')} type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" problem={touched && repeatProblem ? t(repeatProblem) : null} data-testid="pw-repeat" />
        {error !== null && <ErrorMessage error={error} overrides={{ invalid_credentials: 'password.wrongCurrent' }} testId="password-error" />}
        {done && (
          <p className="success" role="status" data-testid="password-done">
            {t('password.done')}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="password-submit">
          {busy ? t('common.saving') : t('password.submit')}
        </button>
      </form>
    </section>
  );
}
