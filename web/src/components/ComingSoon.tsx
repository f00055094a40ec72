import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../lib/i18n.tsx';

/** An honest placeholder for a surface that is not built yet. */
export function ComingSoon({ title, body, children, testId }: { title: MessageKey; body: MessageKey; children?: ReactNode; testId: string }) {
  const { t } = useI18n();
  return (
    <section className="coming-soon" data-testid={testId}>
      <h1>{t(title)}</h1>
      <p className="muted">{t(body)}</p>
      <span className="pill">{t('common.comingSoon')}</span>
      {children}
    </section>
  );
}
