import styles from './ReasonSheet.module.css';

/** A reason picked from a list and optional details: the body of every report sheet. */
export function ReasonFields<R extends string>({
  reasons,
  reason,
  onReason,
  legend,
  labelOf,
  details,
  onDetails,
  detailsLabel,
  testIdOf,
  detailsTestId,
}: {
  reasons: readonly R[];
  reason: R | null;
  onReason: (r: R) => void;
  legend: string;
  labelOf: (r: R) => string;
  details: string;
  onDetails: (text: string) => void;
  detailsLabel: string;
  testIdOf: (r: R) => string;
  detailsTestId: string;
}) {
  return (
    <>
      <fieldset className={styles.reasons}>
        <legend>{legend}</legend>
        {reasons.map((r) => (
          <label key={r}>
            <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => onReason(r)} data-testid={testIdOf(r)} />
            {labelOf(r)}
          </label>
        ))}
      </fieldset>
      <textarea
        value={details}
        onChange={(e) => onDetails(e.target.value)}
        maxLength={500}
        rows={2}
        placeholder={detailsLabel}
        aria-label={detailsLabel}
        data-testid={detailsTestId}
      />
    </>
  );
}
