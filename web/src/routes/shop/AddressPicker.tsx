import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Address, ResponseOf } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { settledError } from '../../components/shop/util.ts';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { cx } from '../../lib/cx.ts';
import styles from '../../components/shop/shop.module.css';

/** My saved addresses to pick one from; a form to add one (the first is added right here at checkout). */
export function AddressPicker({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useI18n();
  const list = useApiQuery(api.shop.addresses, undefined);
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const items = useMemo(() => list.data?.items ?? [], [list.data]);

  useEffect(() => {
    if (!list.data) return;
    if (value && items.some((a) => a.id === value)) return;
    onChange(items[0]?.id ?? null);
  }, [list.data, items, value, onChange]);

  const failed = settledError(list);
  if (failed) return <ErrorMessage error={failed} onRetry={() => void list.refetch()} testId="address-error" />;
  if (!list.data) return <Loading testId="address-loading" />;
  return (
    <section className="stack-tight" data-testid="address-picker">
      <h2 className="section-title">{t('shop.shipTo')}</h2>
      {items.map((a) => (
        <label key={a.id} className={cx(styles.address, a.id === value && styles['address-on'])} data-testid="address-option">
          <input type="radio" name="address" checked={a.id === value} onChange={() => onChange(a.id)} />
          <span className={styles['stack-0']}>
            <strong>
              {a.name} <span className="muted small">{a.phone}</span>
            </strong>
            <span className="small">{[a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(', ')}</span>
          </span>
        </label>
      ))}
      {items.length === 0 || adding ? (
        <AddressForm
          onSaved={(a) => {
            // The new address is known; no need to ask for the list again before picking it.
            client.setQueryData<ResponseOf<typeof api.shop.addresses>>(keyOf(api.shop.addresses), (prev) => ({
              items: [...(prev?.items ?? []), a],
            }));
            onChange(a.id);
            setAdding(false);
          }}
          onCancel={items.length > 0 ? () => setAdding(false) : undefined}
        />
      ) : (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setAdding(true)} data-testid="address-add">
          {t('shop.addAddress')}
        </button>
      )}
    </section>
  );
}

function AddressForm({ onSaved, onCancel }: { onSaved: (a: Address) => void; onCancel: (() => void) | undefined }) {
  const { t } = useI18n();
  const [f, setF] = useState({ name: '', phone: '', line1: '', city: '', postalCode: '' });
  const saving = useApiMutation(api.shop.addAddress, { onSuccess: onSaved });
  const busy = saving.isPending;
  const error = saving.error;
  const problems = error instanceof ApiError ? Object.fromEntries(error.issues.map((i) => [i.path, i.message])) : {};
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((p) => ({ ...p, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    saving.mutate({ body: { ...f, isDefault: true } });
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="address-form">
      <Field
        id="addr-name"
        label={t('shop.addrName')}
        value={f.name}
        onChange={set('name')}
        required
        maxLength={60}
        autoComplete="name"
        problem={problems['name'] ?? null}
      />
      <Field
        id="addr-phone"
        label={t('shop.addrPhone')}
        value={f.phone}
        onChange={set('phone')}
        required
        inputMode="tel"
        autoComplete="tel"
        problem={problems['phone'] ?? null}
      />
      <Field
        id="addr-line1"
        label={t('shop.addrLine1')}
        value={f.line1}
        onChange={set('line1')}
        required
        maxLength={120}
        autoComplete="street-address"
        problem={problems['line1'] ?? null}
      />
      <div className={styles['grid-2']}>
        <Field
          id="addr-city"
          label={t('shop.addrCity')}
          value={f.city}
          onChange={set('city')}
          required
          maxLength={60}
          autoComplete="address-level2"
          problem={problems['city'] ?? null}
        />
        <Field
          id="addr-postal"
          label={t('shop.addrPostal')}
          value={f.postalCode}
          onChange={set('postalCode')}
          maxLength={20}
          autoComplete="postal-code"
        />
      </div>
      {error && <ErrorMessage error={error} testId="address-form-error" />}
      <div className="actions-row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="address-save">
          {busy ? t('common.saving') : t('shop.saveAddress')}
        </button>
        {onCancel && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
