import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import { api, type BodyOf, type Product, type ProductStatus, type Variant } from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { settledError, toMajorInput, toMinor } from '../../../components/shop/util.ts';
import { ApiError } from '../../../lib/api.ts';
import { call, uploadTo } from '../../../lib/client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { formatMoney, formatPriceRange } from '../../../lib/money.ts';
import { keyOf, useApiQuery } from '../../../lib/queries.ts';
import { optionsText, SellerNav } from '../common.tsx';
import { useMyShop } from './myShop.ts';

/** "size=M, colour=red" → { size: 'M', colour: 'red' }; null when a part has no name or value. */
function parseOptions(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,;，；]/)) {
    if (!part.trim()) continue;
    const m = /^\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$/.exec(part);
    if (!m) return null;
    out[m[1]!] = m[2]!;
  }
  return Object.keys(out).length <= 4 ? out : null;
}

function useShopCurrency(): string {
  return useMyShop().data?.currency ?? 'CNY';
}

export function SellerProductsPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<ProductStatus | 'all'>('all');
  const list = useApiQuery(
    api.shop.myProducts,
    { query: { limit: 50, ...(status === 'all' ? {} : { status }) } },
    { placeholderData: keepPreviousData },
  );
  const failed = settledError(list);
  return (
    <section className="stack" data-testid="seller-products-page">
      <SellerNav />
      <div className="row-between">
        <div className="chips-scroll" role="group">
          {(['all', 'draft', 'published', 'unpublished'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={`chip${s === status ? ' chip-on' : ''}`}
              aria-pressed={s === status}
              onClick={() => setStatus(s)}
            >
              {s === 'all' ? t('shop.all') : t(`shop.status.${s}`)}
            </button>
          ))}
        </div>
        <Link to="/shop/seller/products/new" className="btn btn-primary btn-small" data-testid="new-product">
          {t('shop.newProduct')}
        </Link>
      </div>
      {failed && <ErrorMessage error={failed} onRetry={() => void list.refetch()} />}
      {list.isFetching && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty testId="products-empty">{t('shop.noProducts')}</Empty>}
      <ul className="order-list">
        {list.data?.items.map((p) => (
          <li key={p.id}>
            <Link to={`/shop/seller/products/${p.id}`} className="order-row panel" data-testid="seller-product-row">
              {p.imageUrl ? <img src={p.imageUrl} alt="" className="line-img" /> : <span className="line-img" aria-hidden="true" />}
              <span className="stack-0 grow">
                <strong className="ellipsis">{p.title}</strong>
                <span className="small muted">
                  {formatPriceRange(p.price.min, p.price.max, p.price.currency, lang)} · {t('shop.stockCount', { count: p.stock })}
                </span>
              </span>
              <span className={`pill status-product-${p.status}`}>{t(`shop.status.${p.status}`)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface VariantDraft {
  key: number;
  sku: string;
  options: string;
  price: string;
  stock: string;
}

export function NewProductPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const client = useQueryClient();
  const currency = useShopCurrency();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [threshold, setThreshold] = useState('5');
  const seq = useRef(1);
  const [variants, setVariants] = useState<VariantDraft[]>([{ key: 0, sku: '', options: '', price: '', stock: '10' }]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const setV = (key: number, field: keyof Omit<VariantDraft, 'key'>, value: string) =>
    setVariants((vs) => vs.map((v) => (v.key === key ? { ...v, [field]: value } : v)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p: Record<string, string> = {};
    const body = variants.map((v, i) => {
      const price = toMinor(v.price, currency);
      const options = parseOptions(v.options);
      const stock = Number.parseInt(v.stock, 10);
      if (!/^[A-Za-z0-9_.\-/]{1,40}$/.test(v.sku.trim())) p[`v${i}.sku`] = t('shop.skuProblem');
      if (price === null || price < 1) p[`v${i}.price`] = t('shop.priceProblem');
      if (options === null) p[`v${i}.options`] = t('shop.optionsProblem');
      if (!Number.isInteger(stock) || stock < 0) p[`v${i}.stock`] = t('shop.stockProblem');
      return { sku: v.sku.trim(), options: options ?? {}, price: price ?? 0, stock };
    });
    setProblems(p);
    if (Object.keys(p).length) return;
    setBusy(true);
    setError(null);
    try {
      const created = await call(api.shop.createProduct, {
        body: { title, description, variants: body, lowStockThreshold: Number.parseInt(threshold, 10) || 0 },
      });
      void client.invalidateQueries({ queryKey: [api.shop.myProducts.path] });
      void navigate(`/shop/seller/products/${created.id}`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="stack" data-testid="new-product-page">
      <SellerNav />
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="product-form">
        <h1>{t('shop.newProduct')}</h1>
        <Field
          id="product-title"
          label={t('shop.productTitle')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={120}
        />
        <Field id="product-description" label={t('shop.description')}>
          <textarea
            id="product-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={5000}
            rows={4}
          />
        </Field>
        <Field
          id="product-threshold"
          label={t('shop.lowStockThreshold')}
          hint={t('shop.lowStockHint')}
          type="number"
          min={0}
          max={10000}
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
        />
        <fieldset className="variant-editor">
          <legend className="section-title">{t('shop.variants')}</legend>
          <p className="small muted">{t('shop.variantsHint', { currency })}</p>
          {variants.map((v, i) => (
            <div key={v.key} className="variant-row panel" data-testid="variant-row">
              <div className="grid-2">
                <Field
                  id={`v${i}-sku`}
                  label={t('shop.sku')}
                  value={v.sku}
                  onChange={(e) => setV(v.key, 'sku', e.target.value)}
                  required
                  maxLength={40}
                  problem={problems[`v${i}.sku`] ?? null}
                />
                <Field
                  id={`v${i}-options`}
                  label={t('shop.options')}
                  placeholder={t('shop.optionsPlaceholder')}
                  value={v.options}
                  onChange={(e) => setV(v.key, 'options', e.target.value)}
                  problem={problems[`v${i}.options`] ?? null}
                />
                <Field
                  id={`v${i}-price`}
                  label={t('shop.priceIn', { currency })}
                  inputMode="decimal"
                  value={v.price}
                  onChange={(e) => setV(v.key, 'price', e.target.value)}
                  required
                  problem={problems[`v${i}.price`] ?? null}
                />
                <Field
                  id={`v${i}-stock`}
                  label={t('shop.stock')}
                  type="number"
                  min={0}
                  value={v.stock}
                  onChange={(e) => setV(v.key, 'stock', e.target.value)}
                  required
                  problem={problems[`v${i}.stock`] ?? null}
                />
              </div>
              {variants.length > 1 && (
                <button
                  type="button"
                  className="btn btn-quiet btn-small"
                  onClick={() => setVariants((vs) => vs.filter((x) => x.key !== v.key))}
                >
                  {t('shop.remove')}
                </button>
              )}
            </div>
          ))}
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => setVariants((vs) => [...vs, { key: seq.current++, sku: '', options: '', price: '', stock: '10' }])}
            data-testid="add-variant-row"
          >
            {t('shop.addVariant')}
          </button>
        </fieldset>
        {error !== null && <ErrorMessage error={error} testId="product-form-error" />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="product-create">
          {busy ? t('common.saving') : t('shop.createDraft')}
        </button>
      </form>
    </section>
  );
}

export function EditProductPage() {
  const { id = '' } = useParams();
  const args = { params: { id } };
  const product = useApiQuery(api.shop.product, args, { staleTime: 0 });
  const client = useQueryClient();
  const failed = settledError(product);
  if (failed) return <ErrorMessage error={failed} onRetry={() => void product.refetch()} testId="product-error" />;
  if (!product.data) return <Loading />;
  const changed = (p: Product) => {
    // Every edit answers with the whole product: it replaces the cached one, and the lists that show it catch up.
    client.setQueryData(keyOf(api.shop.product, args), p);
    for (const e of [api.shop.myProducts, api.shop.lowStock, api.shop.sellerProducts, api.shop.cards])
      void client.invalidateQueries({ queryKey: [e.path] });
  };
  return <ProductEditor product={product.data} onChange={changed} />;
}

function ProductEditor({ product, onChange }: { product: Product; onChange: (p: Product) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const setStatus = async (action: 'publish' | 'unpublish') => {
    setBusy(true);
    setError(null);
    try {
      onChange(await call(action === 'publish' ? api.shop.publishProduct : api.shop.unpublishProduct, { params: { id: product.id } }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack" data-testid="edit-product-page">
      <SellerNav />
      <div className="row-between">
        <h1 className="ellipsis">{product.title}</h1>
        <span className={`pill status-product-${product.status}`} data-testid="product-status">
          {t(`shop.status.${product.status}`)}
        </span>
      </div>
      {error !== null && <ErrorMessage error={error} testId="publish-error" />}
      <div className="actions-row wrap">
        {product.status !== 'published' ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void setStatus('publish')}
            data-testid="product-publish"
          >
            {t('shop.publish')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy}
            onClick={() => void setStatus('unpublish')}
            data-testid="product-unpublish"
          >
            {t('shop.unpublish')}
          </button>
        )}
        <Link to={`/p/${product.id}`} className="btn btn-ghost" data-testid="product-view">
          {t('shop.viewProduct')}
        </Link>
        {product.status === 'published' && (
          <Link to={`/shop/seller/flash-sales?product=${product.id}`} className="btn btn-ghost" data-testid="product-flash-sale">
            {t('shop.newFlashSale')}
          </Link>
        )}
      </div>
      <Images product={product} onChange={onChange} />
      <Details product={product} onChange={onChange} />
      <Variants product={product} onChange={onChange} />
    </section>
  );
}

function Images({ product, onChange }: { product: Product; onChange: (p: Product) => void }) {
  const { t } = useI18n();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const send = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      onChange(await uploadTo(api.shop.addImage, { params: { id: product.id }, file, onProgress: setProgress }));
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };
  const remove = async (imageId: string) => {
    setError(null);
    try {
      onChange(await call(api.shop.removeImage, { params: { id: product.id, imageId } }));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="stack-tight" data-testid="product-images">
      <h2 className="section-title">{t('shop.images')}</h2>
      <div className="thumbs">
        {product.images.map((im) => (
          <figure key={im.id} className="thumb" data-testid="product-image">
            <img src={im.thumbUrl} alt="" />
            <button type="button" className="thumb-remove" aria-label={t('shop.remove')} onClick={() => void remove(im.id)}>
              ×
            </button>
          </figure>
        ))}
        {product.images.length < 9 && (
          <label className="thumb thumb-add">
            <input
              ref={input}
              type="file"
              accept="image/jpeg,image/png,image/webp"
              className="visually-hidden"
              disabled={progress !== null}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void send(f);
              }}
              data-testid="image-input"
            />
            <span aria-hidden="true">＋</span>
            <span className="small">{t('shop.addImage')}</span>
          </label>
        )}
      </div>
      {progress !== null && (
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(progress * 100)}
          data-testid="image-progress"
        >
          <span style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      <p className="small muted">{t('shop.imageHint')}</p>
      {error !== null && <ErrorMessage error={error} testId="image-error" />}
    </section>
  );
}

function Details({ product, onChange }: { product: Product; onChange: (p: Product) => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(product.title);
  const [description, setDescription] = useState(product.description);
  const [threshold, setThreshold] = useState(String(product.lowStockThreshold));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onChange(
        await call(api.shop.updateProduct, {
          params: { id: product.id },
          body: { title, description, lowStockThreshold: Number.parseInt(threshold, 10) || 0 },
        }),
      );
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} data-testid="details-form">
      <h2 className="section-title">{t('shop.details')}</h2>
      <Field
        id="edit-title"
        label={t('shop.productTitle')}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        required
        maxLength={120}
      />
      <Field id="edit-description" label={t('shop.description')}>
        <textarea id="edit-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} rows={4} />
      </Field>
      <Field
        id="edit-threshold"
        label={t('shop.lowStockThreshold')}
        type="number"
        min={0}
        value={threshold}
        onChange={(e) => setThreshold(e.target.value)}
      />
      {error !== null && <ErrorMessage error={error} />}
      {saved && <p className="success small">{t('shop.saved')}</p>}
      <button type="submit" className="btn btn-ghost" disabled={busy}>
        {busy ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}

function Variants({ product, onChange }: { product: Product; onChange: (p: Product) => void }) {
  const { t } = useI18n();
  const [adding, setAdding] = useState(false);
  return (
    <section className="stack-tight" data-testid="variants">
      <h2 className="section-title">{t('shop.variants')}</h2>
      {product.variants.map((v) => (
        <VariantRow key={v.id} product={product} variant={v} onChange={onChange} />
      ))}
      {adding ? (
        <AddVariant product={product} onChange={onChange} onDone={() => setAdding(false)} />
      ) : (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setAdding(true)} data-testid="add-variant">
          {t('shop.addVariant')}
        </button>
      )}
    </section>
  );
}

function VariantRow({ product, variant, onChange }: { product: Product; variant: Variant; onChange: (p: Product) => void }) {
  const { t, lang } = useI18n();
  const [price, setPrice] = useState(toMajorInput(variant.price.amount, variant.price.currency));
  const [delta, setDelta] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const low = variant.active && variant.stock <= product.lowStockThreshold;
  const patch = async (body: BodyOf<typeof api.shop.updateVariant>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await call(api.shop.updateVariant, { params: { id: product.id, variantId: variant.id }, body }));
      setDelta('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const body: { price?: number; stockDelta?: number } = {};
    const minor = toMinor(price, variant.price.currency);
    if (minor === null) return setError(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    if (minor !== variant.price.amount) body.price = minor;
    const d = Number.parseInt(delta, 10);
    if (delta.trim() && Number.isInteger(d) && d !== 0) body.stockDelta = d;
    if (Object.keys(body).length) void patch(body);
  };
  return (
    <form
      className={`panel variant-edit${variant.active ? '' : ' inactive'}`}
      onSubmit={save}
      data-testid="variant-edit"
      data-sku={variant.sku}
    >
      <div className="row-between">
        <span className="stack-0">
          <strong>{variant.sku}</strong>
          <span className="small muted">{optionsText(variant.options) || '—'}</span>
        </span>
        <span className="stack-0 end">
          <span data-testid="variant-stock-count">{t('shop.stockCount', { count: variant.stock })}</span>
          {low && (
            <span className="small accent" data-testid="variant-low">
              {t('shop.lowStock')}
            </span>
          )}
        </span>
      </div>
      <div className="grid-2">
        <Field
          id={`price-${variant.id}`}
          label={t('shop.priceIn', { currency: variant.price.currency })}
          hint={formatMoney(variant.price.amount, variant.price.currency, lang)}
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          inputMode="decimal"
        />
        <Field
          id={`delta-${variant.id}`}
          label={t('shop.stockDelta')}
          hint={t('shop.stockDeltaHint')}
          value={delta}
          onChange={(e) => setDelta(e.target.value)}
          inputMode="numeric"
          placeholder="+10 / -2"
        />
      </div>
      {error !== null && <ErrorMessage error={error} />}
      <div className="actions-row">
        <button type="submit" className="btn btn-ghost btn-small" disabled={busy}>
          {t('common.save')}
        </button>
        <button type="button" className="btn btn-quiet btn-small" disabled={busy} onClick={() => void patch({ active: !variant.active })}>
          {variant.active ? t('shop.deactivate') : t('shop.activate')}
        </button>
      </div>
    </form>
  );
}

function AddVariant({ product, onChange, onDone }: { product: Product; onChange: (p: Product) => void; onDone: () => void }) {
  const { t } = useI18n();
  const [sku, setSku] = useState('');
  const [options, setOptions] = useState('');
  const [price, setPrice] = useState('');
  const [stock, setStock] = useState('0');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const minor = toMinor(price, product.currency);
    const opts = parseOptions(options);
    if (minor === null) return setError(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    if (opts === null) return setError(new ApiError('validation_failed', t('shop.optionsProblem'), 400));
    setBusy(true);
    setError(null);
    try {
      onChange(
        await call(api.shop.addVariant, {
          params: { id: product.id },
          body: { sku: sku.trim(), options: opts, price: minor, stock: Number.parseInt(stock, 10) || 0 },
        }),
      );
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} data-testid="add-variant-form">
      <div className="grid-2">
        <Field id="nv-sku" label={t('shop.sku')} value={sku} onChange={(e) => setSku(e.target.value)} required maxLength={40} />
        <Field
          id="nv-options"
          label={t('shop.options')}
          placeholder={t('shop.optionsPlaceholder')}
          value={options}
          onChange={(e) => setOptions(e.target.value)}
        />
        <Field
          id="nv-price"
          label={t('shop.priceIn', { currency: product.currency })}
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          required
          inputMode="decimal"
        />
        <Field id="nv-stock" label={t('shop.stock')} type="number" min={0} value={stock} onChange={(e) => setStock(e.target.value)} />
      </div>
      {error !== null && <ErrorMessage error={error} />}
      <div className="actions-row">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
          {t('shop.addVariant')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
