import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { MAX_REVIEW_PHOTOS, type Order, type Review } from '@tremolo/protocol';
import { ErrorMessage } from '../../../components/Status.tsx';
import { call, uploadTo } from '../../../lib/client.ts';
import { useErrorText } from '../../../lib/errors.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { keyOf, useApiQuery } from '../../../lib/queries.ts';
import { ReviewItem } from './ReviewItem.tsx';
import styles from '../../../components/shop/reviews.module.css';
import { cx } from '../../../lib/cx.ts';

type OrderLine = Order['items'][number];

/**
 * The reviews part of a delivered order: the buyer reviews each line once (stars, words, photos);
 * the seller reads them and replies once to each.
 */
export function OrderReviews({ order, role }: { order: Order; role: 'buyer' | 'seller' }) {
  const { t } = useI18n();
  const args = { params: { id: order.id } };
  const reviews = useApiQuery(api.reviews.ofOrder, args);
  const client = useQueryClient();
  const byLine = useMemo(() => new Map((reviews.data?.items ?? []).map((r) => [r.orderItemId, r])), [reviews.data]);
  const changed = (r: Review) => {
    client.setQueryData(keyOf(api.reviews.ofOrder, args), (d: { items: Review[] } | undefined) => ({
      items: [...(d?.items ?? []).filter((x) => x.id !== r.id), r],
    }));
    void client.invalidateQueries({ queryKey: [api.reviews.ofProduct.path] });
    void client.invalidateQueries({ queryKey: [api.reviews.summary.path] });
  };
  if (!reviews.data) return reviews.error ? <ErrorMessage error={reviews.error} onRetry={() => void reviews.refetch()} /> : null;
  if (role === 'seller') {
    if (reviews.data.items.length === 0) return null;
    return (
      <section className="stack-tight" data-testid="order-reviews">
        <h3 className="section-title">{t('reviews.title')}</h3>
        {reviews.data.items.map((r) => (
          <ReviewItem key={r.id} review={r} canReply onChange={changed} />
        ))}
      </section>
    );
  }
  const left = order.items.filter((i) => !byLine.has(i.id));
  return (
    <section className="stack-tight" data-testid="order-reviews">
      {left.length > 0 && <p className="small muted">{t('reviews.deliveredHint')}</p>}
      {order.items.map((line) => {
        const mine = byLine.get(line.id);
        return (
          <div key={line.id} className={styles['line-review']} data-testid="line-review" data-line-id={line.id}>
            <strong className="small">{line.title}</strong>
            {mine ? <ReviewItem review={mine} canReply={false} /> : <ReviewForm line={line} onPosted={changed} />}
          </div>
        );
      })}
    </section>
  );
}

/** A picked photo before it is sent: its preview, and what became of it. */
interface Picked {
  key: string;
  file: File;
  preview: string;
}

function ReviewForm({ line, onPosted }: { line: OrderLine; onPosted: (r: Review) => void }) {
  const { t, tn } = useI18n();
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const [stars, setStars] = useState(0);
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<Picked[]>([]);
  const [posted, setPosted] = useState<Review | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number; fraction: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // Previews are object URLs: give them back when they leave the form.
  const previews = useRef(new Set<string>());
  useEffect(() => {
    const all = previews.current;
    return () => all.forEach((u) => URL.revokeObjectURL(u));
  }, []);

  if (!open)
    return (
      <button type="button" className="btn btn-primary btn-small" onClick={() => setOpen(true)} data-testid="review-write">
        {t('reviews.write')}
      </button>
    );

  const pick = (files: FileList | null) => {
    if (!files) return;
    const room = MAX_REVIEW_PHOTOS - picked.length;
    const add = [...files].slice(0, room).map((file) => {
      const preview = URL.createObjectURL(file);
      previews.current.add(preview);
      return { key: `${file.name}-${file.size}-${Math.random()}`, file, preview };
    });
    setProblem(files.length > room ? t('reviews.tooManyPhotos', { count: MAX_REVIEW_PHOTOS }) : null);
    setPicked((p) => [...p, ...add]);
    if (input.current) input.current.value = '';
  };

  /** Sends the photos still waiting, one at a time; a failed one stays picked so it can be tried again. */
  const sendPhotos = async (review: Review, files: Picked[]) => {
    let latest = review;
    const failed: Picked[] = [];
    let lastError: string | null = null;
    for (const [i, p] of files.entries()) {
      setProgress({ done: i + 1, total: files.length, fraction: 0 });
      try {
        latest = await uploadTo(api.reviews.addPhoto, {
          params: { id: review.id },
          file: p.file,
          onProgress: (fraction) => setProgress({ done: i + 1, total: files.length, fraction }),
        });
      } catch (e) {
        failed.push(p);
        lastError = errorText(e);
      }
    }
    setProgress(null);
    setPicked(failed);
    setPhotoError(lastError);
    setPosted(latest);
    if (failed.length === 0) onPosted(latest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (stars < 1) return setProblem(t('reviews.pickStars'));
    setBusy(true);
    setError(null);
    setProblem(null);
    try {
      const review = posted ?? (await call(api.reviews.create, { body: { orderItemId: line.id, stars, text } }));
      setPosted(review);
      await sendPhotos(review, picked);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="review-form" noValidate>
      {!posted && (
        <>
          <fieldset className={styles['star-input']} data-testid="review-stars-input">
            <legend className="small">{t('reviews.yourStars')}</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className={cx(n <= stars && styles.lit)} title={tn('reviews.starsLabel', n)}>
                <input
                  type="radio"
                  name={`stars-${line.id}`}
                  value={n}
                  checked={stars === n}
                  onChange={() => setStars(n)}
                  className="visually-hidden"
                  aria-label={tn('reviews.starsLabel', n)}
                  data-testid={`review-star-${n}`}
                />
                <span aria-hidden="true">★</span>
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`review-text-${line.id}`}>{t('reviews.text')}</label>
            <textarea
              id={`review-text-${line.id}`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              maxLength={1000}
              rows={3}
              data-testid="review-text-input"
            />
          </div>
        </>
      )}
      <div className="stack-tight">
        <span className="small">{t('reviews.photos', { count: MAX_REVIEW_PHOTOS })}</span>
        <div className={styles.picked}>
          {picked.map((p) => (
            <figure key={p.key} data-testid="review-picked">
              <img src={p.preview} alt="" />
              <button
                type="button"
                aria-label={t('reviews.removePhoto')}
                disabled={busy}
                onClick={() => setPicked((all) => all.filter((x) => x.key !== p.key))}
              >
                ×
              </button>
            </figure>
          ))}
          {picked.length < MAX_REVIEW_PHOTOS && (
            <label className={styles['add-photo']}>
              <input
                ref={input}
                type="file"
                accept="image/jpeg,image/png,image/webp"
                multiple
                className="visually-hidden"
                disabled={busy}
                onChange={(e) => pick(e.target.files)}
                data-testid="review-photo-input"
              />
              <span aria-hidden="true">＋</span>
              <span className="small">{t('reviews.addPhotos')}</span>
            </label>
          )}
        </div>
      </div>
      {progress && (
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(progress.fraction * 100)}
          data-testid="review-photo-progress"
        >
          <span style={{ width: `${Math.round(progress.fraction * 100)}%` }} />
          <em>{t('reviews.uploading', { done: progress.done, total: progress.total })}</em>
        </div>
      )}
      {problem && (
        <p className="field-problem" role="alert" data-testid="review-problem">
          {problem}
        </p>
      )}
      {photoError && (
        <p className="field-problem" role="alert" data-testid="review-photo-error">
          {t('reviews.photoFailed', { message: photoError })}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} testId="review-error" />}
      <button type="submit" className="btn btn-primary btn-small" disabled={busy} data-testid="review-submit">
        {busy ? t('common.working') : posted ? t('reviews.retryPhotos') : t('reviews.submit')}
      </button>
    </form>
  );
}
