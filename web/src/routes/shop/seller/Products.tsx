import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { keepPreviousData, useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { BodyOf, Product, ProductStatus, Variant } from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { settledError, toMajorInput, toMinor } from '../../../components/shop/util.ts';
import { ApiError } from '../../../lib/api.ts';
import { uploadTo } from '../../../lib/client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { formatMoney, formatPriceRange } from '../../../lib/money.ts';
import { keyOf, useApiMutation, useApiQuery } from '../../../lib/queries.ts';
import { optionsText, SellerNav } from '../common.tsx';
import { FormActions, parseOptions, ProductTextFields, VariantFields, type ProductText, type VariantDraft } from './fields.tsx';
import { useMyShop } from './myShop.ts';
import styles from '../../../components/shop/shop.module.css';
import { cx } from '../../../lib/cx.ts';

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
      <div className={styles['row-between']}>
        <div className={styles['chips-scroll']} role="group">
          {(['all', 'draft', 'published', 'unpublished'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={cx(styles.chip, s === status && styles['chip-on'])}
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
      <ul className={styles['order-list']}>
        {list.data?.items.map((p) => (
          <li key={p.id}>
            <Link to={`/shop/seller/products/${p.id}`} className={cx(styles['order-row'], 'panel')} data-testid="seller-product-row">
              {p.imageUrl ? (
                <img src={p.imageUrl} alt="" className={styles['line-img']} />
              ) : (
                <span className={styles['line-img']} aria-hidden="true" />
              )}
              <span className={cx(styles['stack-0'], 'grow')}>
                <strong className={styles.ellipsis}>{p.title}</strong>
                <span className="small muted">
                  {formatPriceRange(p.price.min, p.price.max, p.price.currency, lang)} · {t('shop.stockCount', { count: p.stock })}
                </span>
              </span>
              <span className={cx('pill', styles[`status-product-${p.status}`])}>{t(`shop.status.${p.status}`)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

const NEW_VARIANT: VariantDraft = { sku: '', options: '', price: '', stock: '10' };

export function NewProductPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const currency = useShopCurrency();
  const [text, setText] = useState<ProductText>({ title: '', description: '', threshold: '5' });
  const seq = useRef(1);
  const [variants, setVariants] = useState<(VariantDraft & { key: number })[]>([{ key: 0, ...NEW_VARIANT }]);
  const [problems, setProblems] = useState<Record<number, Partial<Record<keyof VariantDraft, string>>>>({});
  const creating = useApiMutation(api.shop.createProduct, {
    invalidates: [api.shop.myProducts],
    onSuccess: (created) => void navigate(`/shop/seller/products/${created.id}`, { replace: true }),
  });
  // Stays busy from the answer until the editor opens.
  const busy = creating.isPending || creating.isSuccess;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: typeof problems = {};
    const body = variants.map((v, i) => {
      const price = toMinor(v.price, currency);
      const options = parseOptions(v.options);
      const stock = Number.parseInt(v.stock, 10);
      const p: Partial<Record<keyof VariantDraft, string>> = {};
      if (!/^[A-Za-z0-9_.\-/]{1,40}$/.test(v.sku.trim())) p.sku = t('shop.skuProblem');
      if (price === null || price < 1) p.price = t('shop.priceProblem');
      if (options === null) p.options = t('shop.optionsProblem');
      if (!Number.isInteger(stock) || stock < 0) p.stock = t('shop.stockProblem');
      if (Object.keys(p).length) found[i] = p;
      return { sku: v.sku.trim(), options: options ?? {}, price: price ?? 0, stock };
    });
    setProblems(found);
    if (Object.keys(found).length) return;
    creating.mutate({
      body: {
        title: text.title,
        description: text.description,
        variants: body,
        lowStockThreshold: Number.parseInt(text.threshold, 10) || 0,
      },
    });
  };

  return (
    <section className="stack" data-testid="new-product-page">
      <SellerNav />
      <form className="form" onSubmit={submit} data-testid="product-form">
        <h1>{t('shop.newProduct')}</h1>
        <ProductTextFields idPrefix="product" value={text} onChange={setText} thresholdHint />
        <fieldset className={styles['variant-editor']}>
          <legend className="section-title">{t('shop.variants')}</legend>
          <p className="small muted">{t('shop.variantsHint', { currency })}</p>
          {variants.map((v, i) => (
            <div key={v.key} className={cx(styles['variant-row'], 'panel')} data-testid="variant-row">
              <VariantFields
                idPrefix={`v${i}`}
                value={v}
                onChange={(next) => setVariants((vs) => vs.map((x) => (x.key === v.key ? { ...next, key: v.key } : x)))}
                currency={currency}
                problems={problems[i]}
                stockRequired
              />
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
            onClick={() => setVariants((vs) => [...vs, { key: seq.current++, ...NEW_VARIANT }])}
            data-testid="add-variant-row"
          >
            {t('shop.addVariant')}
          </button>
        </fieldset>
        {creating.error !== null && <ErrorMessage error={creating.error} testId="product-form-error" />}
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
  const publish = useApiMutation(api.shop.publishProduct, { onSuccess: onChange });
  const unpublish = useApiMutation(api.shop.unpublishProduct, { onSuccess: onChange });
  const busy = publish.isPending || unpublish.isPending;
  const error = publish.error ?? unpublish.error;
  const setStatus = (action: 'publish' | 'unpublish') => {
    publish.reset();
    unpublish.reset();
    (action === 'publish' ? publish : unpublish).mutate({ params: { id: product.id } });
  };
  return (
    <section className="stack" data-testid="edit-product-page">
      <SellerNav />
      <div className={styles['row-between']}>
        <h1 className={styles.ellipsis}>{product.title}</h1>
        <span className={cx('pill', styles[`status-product-${product.status}`])} data-testid="product-status" data-status={product.status}>
          {t(`shop.status.${product.status}`)}
        </span>
      </div>
      {error !== null && <ErrorMessage error={error} testId="publish-error" />}
      <div className={cx('actions-row', styles.wrap)}>
        {product.status !== 'published' ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => setStatus('publish')}
            data-testid="product-publish"
          >
            {t('shop.publish')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy}
            onClick={() => setStatus('unpublish')}
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
  const [fraction, setFraction] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const adding = useMutation<Product, ApiError, File>({
    mutationFn: (file) => uploadTo(api.shop.addImage, { params: { id: product.id }, file, onProgress: setFraction }),
    onMutate: () => setFraction(0),
    onSuccess: onChange,
    onSettled: () => {
      if (input.current) input.current.value = '';
    },
  });
  const removing = useApiMutation(api.shop.removeImage, { onSuccess: onChange });
  const progress = adding.isPending ? fraction : null;
  // Only the latest action's failure is shown.
  const error = adding.error ?? removing.error;
  const send = (file: File) => {
    removing.reset();
    adding.mutate(file);
  };
  const remove = (imageId: string) => {
    adding.reset();
    removing.mutate({ params: { id: product.id, imageId } });
  };
  return (
    <section className="stack-tight" data-testid="product-images">
      <h2 className="section-title">{t('shop.images')}</h2>
      <div className={styles.thumbs}>
        {product.images.map((im) => (
          <figure key={im.id} className={styles.thumb} data-testid="product-image">
            <img src={im.thumbUrl} alt="" />
            <button type="button" className={styles['thumb-remove']} aria-label={t('shop.remove')} onClick={() => remove(im.id)}>
              ×
            </button>
          </figure>
        ))}
        {product.images.length < 9 && (
          <label className={cx(styles.thumb, styles['thumb-add'])}>
            <input
              ref={input}
              type="file"
              accept="image/jpeg,image/png,image/webp"
              className="visually-hidden"
              disabled={progress !== null}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) send(f);
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
  const [text, setText] = useState<ProductText>({
    title: product.title,
    description: product.description,
    threshold: String(product.lowStockThreshold),
  });
  const saving = useApiMutation(api.shop.updateProduct, { onSuccess: onChange });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    saving.mutate({
      params: { id: product.id },
      body: { title: text.title, description: text.description, lowStockThreshold: Number.parseInt(text.threshold, 10) || 0 },
    });
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="details-form">
      <h2 className="section-title">{t('shop.details')}</h2>
      <ProductTextFields idPrefix="edit" value={text} onChange={setText} />
      {saving.error !== null && <ErrorMessage error={saving.error} />}
      {saving.isSuccess && <p className="success small">{t('shop.saved')}</p>}
      <button type="submit" className="btn btn-ghost" disabled={saving.isPending}>
        {saving.isPending ? t('common.saving') : t('common.save')}
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
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const updating = useApiMutation(api.shop.updateVariant, {
    onSuccess: (p) => {
      onChange(p);
      setDelta('');
    },
  });
  const busy = updating.isPending;
  const error = invalid ?? updating.error;
  const low = variant.active && variant.stock <= product.lowStockThreshold;
  const patch = (body: BodyOf<typeof api.shop.updateVariant>) => {
    setInvalid(null);
    updating.mutate({ params: { id: product.id, variantId: variant.id }, body });
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const body: { price?: number; stockDelta?: number } = {};
    const minor = toMinor(price, variant.price.currency);
    if (minor === null) return setInvalid(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    if (minor !== variant.price.amount) body.price = minor;
    const d = Number.parseInt(delta, 10);
    if (delta.trim() && Number.isInteger(d) && d !== 0) body.stockDelta = d;
    if (Object.keys(body).length) patch(body);
  };
  return (
    <form
      className={cx('panel', styles['variant-edit'], !variant.active && styles.inactive)}
      onSubmit={save}
      data-testid="variant-edit"
      data-sku={variant.sku}
    >
      <div className={styles['row-between']}>
        <span className={styles['stack-0']}>
          <strong>{variant.sku}</strong>
          <span className="small muted">{optionsText(variant.options) || '—'}</span>
        </span>
        <span className={cx(styles['stack-0'], styles.end)}>
          <span data-testid="variant-stock-count">{t('shop.stockCount', { count: variant.stock })}</span>
          {low && (
            <span className="small accent" data-testid="variant-low">
              {t('shop.lowStock')}
            </span>
          )}
        </span>
      </div>
      <div className={styles['grid-2']}>
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
        <button type="button" className="btn btn-quiet btn-small" disabled={busy} onClick={() => patch({ active: !variant.active })}>
          {variant.active ? t('shop.deactivate') : t('shop.activate')}
        </button>
      </div>
    </form>
  );
}

function AddVariant({ product, onChange, onDone }: { product: Product; onChange: (p: Product) => void; onDone: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<VariantDraft>({ sku: '', options: '', price: '', stock: '0' });
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const adding = useApiMutation(api.shop.addVariant, {
    onSuccess: (p) => {
      onChange(p);
      onDone();
    },
  });
  const error = invalid ?? adding.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = toMinor(draft.price, product.currency);
    const opts = parseOptions(draft.options);
    if (minor === null) return setInvalid(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    if (opts === null) return setInvalid(new ApiError('validation_failed', t('shop.optionsProblem'), 400));
    setInvalid(null);
    adding.mutate({
      params: { id: product.id },
      body: { sku: draft.sku.trim(), options: opts, price: minor, stock: Number.parseInt(draft.stock, 10) || 0 },
    });
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="add-variant-form">
      <VariantFields idPrefix="nv" value={draft} onChange={setDraft} currency={product.currency} />
      {error !== null && <ErrorMessage error={error} />}
      <FormActions busy={adding.isPending} label={t('shop.addVariant')} onCancel={onDone} small />
    </form>
  );
}
