import type { InputHTMLAttributes, ReactNode } from 'react';

/** A labelled input with its hint or problem underneath, announced to screen readers. */
export function Field({
  label,
  hint,
  problem,
  id,
  children,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; problem?: string | null; id: string; children?: ReactNode }) {
  const describedBy = problem ? `${id}-problem` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`field${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children ?? <input id={id} aria-invalid={problem ? true : undefined} aria-describedby={describedBy} {...input} />}
      {problem ? (
        <p className="field-problem" id={`${id}-problem`} data-testid={`${id}-problem`}>
          {problem}
        </p>
      ) : (
        hint && (
          <p className="field-hint muted" id={`${id}-hint`}>
            {hint}
          </p>
        )
      )}
    </div>
  );
}
