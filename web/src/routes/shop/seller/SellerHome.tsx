import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Shop } from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { ErrorMessage, Loading } from '../../../components/Status.tsx';
import { settledError } from '../../../components/shop/util.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../../lib/queries.ts';
import { useSession } from '../../../lib/session.tsx';
import { SellerNav } from '../common.tsx';
import { myShopKey, useMyShop } from './myShop.ts';
import styles from '../../../components/shop/shop.module.css';
import { cx } from '../../../lib/cx.ts';

/** The seller's start: low-stock warnings, the shop's name and currency, links to every tool. */
export function SellerHome() {
  const { t } = useI18n();
  const { me } = useSession();
  const handle = me?.handle ?? '';
  const client = useQueryClient();
  const shop = useMyShop();
  const shopError = settledError(shop);
  const low = useApiQuery(api.shop.lowStock, undefined);
  const lowError = settledError(low);

  return (
    <section className="stack" data-testid="seller-home">
      <SellerNav />
      {low.data && low.data.items.length > 0 && (
        <div className={cx('panel', styles.warn, 'stack-tight')} role="status" data-testid="low-stock">
          <strong>{t('shop.lowStockTitle')}</strong>
          <ul className={styles.plain}>
            {low.data.items.map((i) => (
              <li key={i.variantId} data-testid="low-stock-item">
                <Link to={`/shop/seller/products/${i.productId}`}>{i.title}</Link> · {i.sku} —{' '}
                {t('shop.lowStockLine', { count: i.stock, threshold: i.threshold })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {lowError && <ErrorMessage error={lowError} onRetry={() => void low.refetch()} />}
      {shopError && <ErrorMessage error={shopError} onRetry={() => void shop.refetch()} />}
      {shop.data === undefined && !shopError ? (
        <Loading />
      ) : (
        !shopError && <ShopForm shop={shop.data ?? null} onSaved={(s) => client.setQueryData(myShopKey(handle), s)} />
      )}
      <nav className="menu">
        <Link to="/shop/seller/products/new" className="menu-item" data-testid="seller-new-product">
          <span>{t('shop.newProduct')}</span>
          <span aria-hidden="true">＋</span>
        </Link>
        {shop.data && (
          <Link to={`/shop/store/${handle}`} className="menu-item" data-testid="seller-view-store">
            <span>{t('shop.viewMyShop')}</span>
            <span aria-hidden="true">›</span>
          </Link>
        )}
      </nav>
    </section>
  );
}

function ShopForm({ shop, onSaved }: { shop: Shop | null; onSaved: (s: Shop) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(shop?.name ?? '');
  const [description, setDescription] = useState(shop?.description ?? '');
  const [currency, setCurrency] = useState(shop?.currency ?? 'CNY');
  const [saved, setSaved] = useState(false);
  const saving = useApiMutation(api.shop.upsertShop, {
    invalidates: [api.shop.shopOf],
    onSuccess: (s) => {
      onSaved(s);
      setSaved(true);
    },
  });
  const busy = saving.isPending;
  const error = saving.error;
  useEffect(() => {
    setName(shop?.name ?? '');
    setDescription(shop?.description ?? '');
    setCurrency(shop?.currency ?? 'CNY');
  }, [shop]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    saving.mutate({ body: { name, description, currency } });
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="shop-form">
      <h1 className="section-title">{shop ? t('shop.myShop') : t('shop.openShop')}</h1>
      <Field id="shop-name" label={t('shop.shopName')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} />
      <Field id="shop-description" label={t('shop.shopDescription')}>
        <textarea id="shop-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} rows={2} />
      </Field>
      <Field id="shop-currency" label={t('shop.currency')} hint={t('shop.currencyHint')}>
        <select id="shop-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
          {['CNY', 'USD', 'EUR', 'HKD', 'JPY'].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      {error && <ErrorMessage error={error} />}
      {saved && <p className="success small">{t('shop.saved')}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="shop-save">
        {busy ? t('common.saving') : shop ? t('common.save') : t('shop.openShop')}
      </button>
    </form>
  );
}
