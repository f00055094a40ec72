import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { passwordProblem } from '../../lib/validate.ts';

export function ChangePassword() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const [done, setDone] = useState(false);
  const change = useApiMutation(api.accounts.changePassword, {
    onSuccess: () => {
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
      setTouched(false);
    },
  });
  const busy = change.isPending;
  const error = change.error;

  const nextProblem = passwordProblem(next);
  const repeatProblem = repeat !== next ? 'validate.passwordMismatch' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setDone(false);
    if (!current || nextProblem || repeatProblem) return;
    change.mutate({ body: { currentPassword: current, newPassword: next } });
  };

  return (
    <section className="stack">
      <header className="page-head">
        <Link to="/me" className="back">
          ‹ {t('common.back')}
        </Link>
        <h1>{t('password.title')}</h1>
      </header>
      <form className="form panel" onSubmit={submit} noValidate data-testid="password-form">
        <Field
          id="pw-current"
          label={t('password.current')}
          type="password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          autoComplete="current-password"
          problem={touched && !current ? t('validate.required') : null}
          data-testid="pw-current"
        />
        <Field
          id="pw-new"
          label={t('password.new')}
          hint={t('auth.passwordHint')}
          type="password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          autoComplete="new-password"
          problem={touched && nextProblem ? t(nextProblem) : null}
          data-testid="pw-new"
        />
        <Field
          id="pw-repeat"
          label={t('password.repeat')}
          type="password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          autoComplete="new-password"
          problem={touched && repeatProblem ? t(repeatProblem) : null}
          data-testid="pw-repeat"
        />
        {error !== null && (
          <ErrorMessage error={error} overrides={{ invalid_credentials: 'password.wrongCurrent' }} testId="password-error" />
        )}
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
