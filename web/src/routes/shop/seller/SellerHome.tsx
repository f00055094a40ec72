import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { z } from 'zod';
import { LowStockItem, Shop } from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { ErrorMessage, Loading } from '../../../components/Status.tsx';
import { useResource } from '../../../components/shop/util.ts';
import { ApiError, api, enc } from '../../../lib/api.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useSession } from '../../../lib/session.tsx';
import { SellerNav } from '../common.tsx';

const LowStock = z.object({ items: z.array(LowStockItem) });

/** The seller's start: low-stock warnings, the shop's name and currency, links to every tool. */
export function SellerHome() {
  const { t } = useI18n();
  const { me } = useSession();
  const handle = me?.handle ?? '';
  const shop = useResource(async () => {
    try {
      return await api.get(`/api/v1/shop/sellers/${enc(handle)}`, Shop);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') return null;
      throw e;
    }
  }, [handle]);
  const low = useResource(() => api.get('/api/v1/shop/me/low-stock', LowStock), []);

  return (
    <section className="stack" data-testid="seller-home">
      <SellerNav />
      {low.data && low.data.items.length > 0 && (
        <div className="panel warn stack-tight" role="status" data-testid="low-stock">
          <strong>{t('shop.lowStockTitle')}</strong>
          <ul className="plain">
            {low.data.items.map((i) => (
              <li key={i.variantId} data-testid="low-stock-item">
                <Link to={`/shop/seller/products/${i.productId}`}>{i.title}</Link> · {i.sku} — {t('shop.lowStockLine', { count: i.stock, threshold: i.threshold })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {low.error !== null && <ErrorMessage error={low.error} onRetry={low.reload} />}
      {shop.error !== null && <ErrorMessage error={shop.error} onRetry={shop.reload} />}
      {shop.loading && shop.data === null && shop.error === null ? <Loading /> : shop.error === null && <ShopForm shop={shop.data} onSaved={(s) => shop.setData(s)} />}
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setName(shop?.name ?? '');
    setDescription(shop?.description ?? '');
    setCurrency(shop?.currency ?? 'CNY');
  }, [shop]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onSaved(await api.put('/api/v1/shop', Shop, { name, description, currency }));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} data-testid="shop-form">
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
      {error !== null && <ErrorMessage error={error} />}
      {saved && <p className="success small">{t('shop.saved')}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="shop-save">
        {busy ? t('common.saving') : shop ? t('common.save') : t('shop.openShop')}
      </button>
    </form>
  );
}
