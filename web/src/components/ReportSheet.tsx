import { useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import * as api from '@tremolo/protocol/api';
import { ReportReason, type ReportSurface } from '@tremolo/protocol';
import { ErrorMessage } from './Status.tsx';
import { call } from '../lib/client.ts';
import { useI18n } from '../lib/i18n.tsx';
import { ReasonFields } from './ReasonFields.tsx';
import styles from './ReasonSheet.module.css';

const REASONS = ReportReason.options;

/** One report flow for every surface: a reason, optional details; the server copies the content as it is now. */
export function ReportSheet({
  surface,
  targetId,
  seq,
  onClose,
}: {
  surface: Exclude<ReportSurface, 'match'>;
  targetId: string;
  seq?: number;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.moderation.report, {
        body: { surface, targetId, ...(seq !== undefined ? { seq } : {}), reason, ...(details.trim() ? { details: details.trim() } : {}) },
      });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // On the body: a video slide or chat row is its own stacking context, under the tab bar.
  return createPortal(
    <div className={styles.sheet} role="dialog" aria-modal="true" aria-labelledby="report-title" data-testid="report-sheet">
      <form className="panel stack" onSubmit={(e) => void send(e)}>
        <h2 id="report-title">
          {t('report.title', {
            what: t(surface === 'room' && seq !== undefined ? 'report.surface.room_line' : `report.surface.${surface}`),
          })}
        </h2>
        {sent ? (
          <>
            <p data-testid="report-sent">{t('report.sent')}</p>
            <div className="actions-row">
              <button type="button" className="btn" onClick={onClose} data-testid="report-close">
                {t('mod.done')}
              </button>
            </div>
          </>
        ) : (
          <>
            <ReasonFields
              reasons={REASONS}
              reason={reason}
              onReason={setReason}
              legend={t('report.reason')}
              labelOf={(r) => t(`report.reason.${r}`)}
              details={details}
              onDetails={setDetails}
              detailsLabel={t('report.details')}
              testIdOf={(r) => `report-reason-${r}`}
              detailsTestId="report-details"
            />
            {error !== null && <ErrorMessage error={error} testId="report-error" />}
            <div className="actions-row">
              <button type="submit" className="btn btn-danger" disabled={!reason || busy} data-testid="report-submit">
                {busy ? t('report.sending') : t('report.send')}
              </button>
              <button type="button" className="btn btn-ghost btn-quiet" onClick={onClose} disabled={busy} data-testid="report-cancel">
                {t('common.cancel')}
              </button>
            </div>
          </>
        )}
      </form>
    </div>,
    document.body,
  );
}
