import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n.tsx';
import { useErrorText, type ErrorOverrides } from '../lib/errors.ts';

export function Loading({ testId = 'loading' }: { testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

/** A failure the person can read, with a retry when one makes sense. */
export function ErrorMessage({
  error,
  overrides,
  onRetry,
  testId = 'error',
}: {
  error: unknown;
  overrides?: ErrorOverrides;
  onRetry?: () => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="error-box" role="alert" data-testid={testId}>
      <span>{text(error, overrides)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small btn-ghost" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children, testId = 'empty' }: { children: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      {children}
    </div>
  );
}
