import { useState, type FormEvent } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Review } from '@tremolo/protocol';
import { Avatar } from '../../../components/Avatar.tsx';
import { ReportSheet } from '../../../components/ReportSheet.tsx';
import { ErrorMessage } from '../../../components/Status.tsx';
import { Stars } from '../../../components/shop/Stars.tsx';
import { useI18n } from '../../../lib/i18n.tsx';
import { useSession } from '../../../lib/session.tsx';
import { useApiMutation } from '../../../lib/queries.ts';
import { timeAgo } from '../../../lib/time.ts';
import { optionsText } from '../common.tsx';
import styles from '../../../components/shop/reviews.module.css';

/** One review: who, stars, the variant bought, words, photos, and the seller's reply (or a form for it). */
export function ReviewItem({ review, canReply, onChange }: { review: Review; canReply: boolean; onChange?: (r: Review) => void }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [reporting, setReporting] = useState(false);
  const options = optionsText(review.options);
  return (
    <article className={styles.review} data-testid="review" data-review-id={review.id} data-stars={review.stars}>
      <header className={styles['review-head']}>
        <Avatar user={review.author} size={32} />
        <span className={styles['review-who']}>
          <strong className="small">{review.author.displayName}</strong>
          <span className="small muted">
            {timeAgo(review.createdAt, lang)}
            {options && ` · ${options}`}
          </span>
        </span>
        <span className="grow" />
        <Stars value={review.stars} testId="review-stars" />
      </header>
      {review.text && (
        <p className={styles['review-text']} data-testid="review-text">
          {review.text}
        </p>
      )}
      {review.photos.length > 0 && (
        <div className={styles.photos} data-testid="review-photos">
          {review.photos.map((p) => (
            <a key={p.id} href={p.url} target="_blank" rel="noreferrer">
              <img src={p.thumbUrl} alt="" loading="lazy" data-testid="review-photo" />
            </a>
          ))}
        </div>
      )}
      {review.reply ? (
        <div className={styles.reply} data-testid="review-reply">
          <strong className="small">{t('reviews.sellerReply')}</strong>
          <p>{review.reply.text}</p>
        </div>
      ) : (
        canReply && <ReplyForm review={review} onChange={onChange} />
      )}
      {me && me.id !== review.author.id && (
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setReporting(true)} data-testid="review-report">
          {t('report.action')}
        </button>
      )}
      {reporting && <ReportSheet surface="review" targetId={review.id} onClose={() => setReporting(false)} />}
    </article>
  );
}

function ReplyForm({ review, onChange }: { review: Review; onChange?: ((r: Review) => void) | undefined }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const sending = useApiMutation(api.reviews.reply, {
    invalidates: [api.reviews.ofProduct, api.reviews.ofOrder],
    onSuccess: (r) => onChange?.(r),
  });
  if (!open)
    return (
      <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(true)} data-testid="review-reply-open">
        {t('reviews.reply')}
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) sending.mutate({ params: { id: review.id }, body: { text } });
  };
  return (
    <form className="form" onSubmit={submit} data-testid="review-reply-form">
      <div className="field">
        <label htmlFor={`reply-${review.id}`}>{t('reviews.replyLabel')}</label>
        <textarea
          id={`reply-${review.id}`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={500}
          rows={2}
          required
          data-testid="review-reply-text"
        />
      </div>
      {sending.error && <ErrorMessage error={sending.error} testId="review-reply-error" />}
      <button
        type="submit"
        className="btn btn-primary btn-small"
        disabled={sending.isPending || !text.trim()}
        data-testid="review-reply-send"
      >
        {sending.isPending ? t('common.working') : t('reviews.sendReply')}
      </button>
    </form>
  );
}
