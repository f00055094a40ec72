import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Field } from '../../../components/Field.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { settledError } from '../../../components/shop/util.ts';
import type { ApiError } from '../../../lib/api.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { SellerNav } from '../common.tsx';
import styles from '../../../components/shop/shop.module.css';

/**
 * The field groups and frames the seller's product and promotion forms share, so each form
 * states only what is its own.
 */

/** "size=M, colour=red" → { size: 'M', colour: 'red' }; null when a part has no name or value. */
export function parseOptions(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,;，；]/)) {
    if (!part.trim()) continue;
    const m = /^\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$/.exec(part);
    if (!m) return null;
    out[m[1]!] = m[2]!;
  }
  return Object.keys(out).length <= 4 ? out : null;
}

/** A local "YYYY-MM-DDTHH:mm" for a datetime-local input. */
export function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface ProductText {
  title: string;
  description: string;
  threshold: string;
}

/** Title, description and low-stock threshold: the new-product form and the details form. */
export function ProductTextFields({
  idPrefix,
  value,
  onChange,
  thresholdHint = false,
}: {
  idPrefix: string;
  value: ProductText;
  onChange: (v: ProductText) => void;
  /** The new-product form explains the threshold (and caps it). */
  thresholdHint?: boolean;
}) {
  const { t } = useI18n();
  const set = (field: keyof ProductText) => (e: { target: { value: string } }) => onChange({ ...value, [field]: e.target.value });
  return (
    <>
      <Field id={`${idPrefix}-title`} label={t('shop.productTitle')} value={value.title} onChange={set('title')} required maxLength={120} />
      <Field id={`${idPrefix}-description`} label={t('shop.description')}>
        <textarea id={`${idPrefix}-description`} value={value.description} onChange={set('description')} maxLength={5000} rows={4} />
      </Field>
      <Field
        id={`${idPrefix}-threshold`}
        label={t('shop.lowStockThreshold')}
        type="number"
        min={0}
        {...(thresholdHint ? { hint: t('shop.lowStockHint'), max: 10000 } : {})}
        value={value.threshold}
        onChange={set('threshold')}
      />
    </>
  );
}

export interface VariantDraft {
  sku: string;
  options: string;
  price: string;
  stock: string;
}

/** SKU, options, price and stock of a new variant, in a two-column grid: a new product's rows and "add variant". */
export function VariantFields({
  idPrefix,
  value,
  onChange,
  currency,
  problems = {},
  stockRequired = false,
}: {
  idPrefix: string;
  value: VariantDraft;
  onChange: (v: VariantDraft) => void;
  currency: string;
  /** Per field, what is wrong with it. */
  problems?: Partial<Record<keyof VariantDraft, string>>;
  stockRequired?: boolean;
}) {
  const { t } = useI18n();
  const set = (field: keyof VariantDraft) => (e: { target: { value: string } }) => onChange({ ...value, [field]: e.target.value });
  return (
    <div className={styles['grid-2']}>
      <Field
        id={`${idPrefix}-sku`}
        label={t('shop.sku')}
        value={value.sku}
        onChange={set('sku')}
        required
        maxLength={40}
        problem={problems.sku ?? null}
      />
      <Field
        id={`${idPrefix}-options`}
        label={t('shop.options')}
        placeholder={t('shop.optionsPlaceholder')}
        value={value.options}
        onChange={set('options')}
        problem={problems.options ?? null}
      />
      <Field
        id={`${idPrefix}-price`}
        label={t('shop.priceIn', { currency })}
        inputMode="decimal"
        value={value.price}
        onChange={set('price')}
        required
        problem={problems.price ?? null}
      />
      <Field
        id={`${idPrefix}-stock`}
        label={t('shop.stock')}
        type="number"
        min={0}
        value={value.stock}
        onChange={set('stock')}
        required={stockRequired}
        problem={problems.stock ?? null}
      />
    </div>
  );
}

/** A labelled select. */
export function SelectField<V extends string>({
  id,
  label,
  hint,
  value,
  onChange,
  options,
  required,
}: {
  id: string;
  label: string;
  hint?: string;
  value: V;
  onChange: (v: V) => void;
  options: readonly { value: V; label: string }[];
  required?: boolean;
}) {
  return (
    <Field id={id} label={label} {...(hint ? { hint } : {})}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(options.find((o) => o.value === e.target.value)?.value ?? value)}
        required={required}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Submit and cancel under a form. */
export function FormActions({
  busy,
  label,
  testId,
  onCancel,
  small = false,
  disabled = false,
}: {
  busy: boolean;
  label: string;
  testId?: string;
  onCancel: () => void;
  small?: boolean;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const size = small ? ' btn-small' : '';
  return (
    <div className="actions-row">
      <button type="submit" className={`btn btn-primary${size}`} disabled={busy || disabled} data-testid={testId}>
        {busy && !small ? t('common.saving') : label}
      </button>
      <button type="button" className={`btn btn-ghost${size}`} onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

/**
 * A seller's list of promotions: the form to make one (or the button that opens it), then the
 * list with its loading, error and empty states.
 */
export function PromotionsPage<T>({
  testId,
  list,
  creating,
  onCreate,
  form,
  newLabel,
  newTestId,
  empty,
  children,
}: {
  testId: string;
  list: UseQueryResult<{ items: T[] }, ApiError>;
  creating: boolean;
  onCreate: () => void;
  form: ReactNode;
  newLabel: string;
  newTestId: string;
  empty: string;
  children: (item: T) => ReactNode;
}) {
  const failed = settledError(list);
  return (
    <section className="stack" data-testid={testId}>
      <SellerNav />
      {creating ? (
        form
      ) : (
        <button type="button" className="btn btn-primary" onClick={onCreate} data-testid={newTestId}>
          {newLabel}
        </button>
      )}
      {failed && <ErrorMessage error={failed} onRetry={() => void list.refetch()} />}
      {list.isFetching && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>{empty}</Empty>}
      {list.data?.items.map(children)}
    </section>
  );
}
