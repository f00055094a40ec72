import { useState, type FormEvent, type RefObject } from 'react';
import * as api from '@tremolo/protocol/api';
import { MAX_SNAPSHOT_BYTES, MatchReportReason, type UserSummary } from '@tremolo/protocol';
import type { z } from 'zod';
import { ErrorMessage } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { snapshotFrame } from './rtc.ts';
import { ReasonFields } from '../../components/ReasonFields.tsx';
import sheet from '../../components/ReasonSheet.module.css';
import styles from './SafetySheet.module.css';

const REASONS = MatchReportReason.options;

/**
 * Report (with a frame of their video, taken now, when the person keeps the box ticked) or block.
 * Either ends the call on the server and the two are never matched again.
 */
export function SafetySheet({
  peer,
  callId,
  remoteRef,
  onDone,
  onClose,
}: {
  peer: UserSummary;
  callId: string;
  remoteRef: RefObject<HTMLVideoElement | null>;
  onDone: (what: 'reported' | 'blocked') => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState<z.infer<typeof MatchReportReason> | null>(null);
  const [details, setDetails] = useState('');
  // Taken when the sheet opens: the picture the person is reporting, before the call ends.
  const [snapshot] = useState(() => (remoteRef.current ? snapshotFrame(remoteRef.current, MAX_SNAPSHOT_BYTES) : null));
  const [attach, setAttach] = useState(true);
  const [busy, setBusy] = useState<'report' | 'block' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const report = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason) return;
    setBusy('report');
    setError(null);
    try {
      await call(api.match.report, {
        body: {
          userId: peer.id,
          callId,
          reason,
          ...(details.trim() ? { details: details.trim() } : {}),
          ...(attach && snapshot ? { snapshot } : {}),
        },
      });
      onDone('reported');
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  const block = async () => {
    setBusy('block');
    setError(null);
    try {
      await call(api.match.block, { body: { userId: peer.id, callId } });
      onDone('blocked');
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  return (
    <div className={sheet.sheet} role="dialog" aria-modal="true" aria-labelledby="match-report-title" data-testid="match-report-sheet">
      <form className="panel stack" onSubmit={(e) => void report(e)}>
        <h2 id="match-report-title">{t('match.reportTitle', { name: peer.displayName })}</h2>
        <ReasonFields
          reasons={REASONS}
          reason={reason}
          onReason={setReason}
          legend={t('match.reportReason')}
          labelOf={(r) => t(`match.reason.${r}`)}
          details={details}
          onDetails={setDetails}
          detailsLabel={t('match.reportDetails')}
          testIdOf={(r) => `match-reason-${r}`}
          detailsTestId="match-report-details"
        />
        {snapshot ? (
          <label className={styles.snapshot}>
            <input type="checkbox" checked={attach} onChange={(e) => setAttach(e.target.checked)} data-testid="match-report-attach" />
            <img src={snapshot} alt={t('match.snapshotAlt')} data-testid="match-report-snapshot" />
            <span className="small">{t('match.attachSnapshot')}</span>
          </label>
        ) : (
          <p className="muted small">{t('match.noSnapshot')}</p>
        )}
        {error !== null && <ErrorMessage error={error} testId="match-report-error" />}
        <div className="actions-row">
          <button type="submit" className="btn btn-danger" disabled={!reason || busy !== null} data-testid="match-report-submit">
            {busy === 'report' ? t('match.sending') : t('match.sendReport')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => void block()} disabled={busy !== null} data-testid="match-block">
            {busy === 'block' ? t('common.working') : t('match.block')}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-quiet"
            onClick={onClose}
            disabled={busy !== null}
            data-testid="match-report-cancel"
          >
            {t('common.cancel')}
          </button>
        </div>
        <p className="muted small">{t('match.reportHint')}</p>
      </form>
    </div>
  );
}
