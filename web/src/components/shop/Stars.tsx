import type { RatingAverage, StoreScore } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import styles from './reviews.module.css';
import { cx } from '../../lib/cx.ts';

/** Five stars filled to `value` (halves round to the nearest), read out as "4 stars". */
export function Stars({ value, size = 'small', testId }: { value: number; size?: 'small' | 'large'; testId?: string }) {
  const { tn } = useI18n();
  const full = Math.round(value);
  return (
    <span
      className={cx(styles.stars, styles[`stars-${size}`])}
      role="img"
      aria-label={tn('reviews.starsLabel', full)}
      data-testid={testId}
      data-stars={full}
    >
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= full ? styles['star-on'] : styles['star-off']} aria-hidden="true">
          ★
        </span>
      ))}
    </span>
  );
}

/** A product card's line: ★ 4.6 (12). */
export function RatingLine({ rating, testId = 'rating-line' }: { rating: RatingAverage; testId?: string }) {
  const { tn } = useI18n();
  return (
    <span className={styles['rating-line']} data-testid={testId} title={tn('reviews.count', rating.count)}>
      <span className={styles['star-on']} aria-hidden="true">
        ★
      </span>{' '}
      {rating.average.toFixed(1)} <span className="muted">({rating.count})</span>
    </span>
  );
}

/** The store score as a badge, with what it is built from when `detailed`. */
export function StoreScoreBadge({
  score,
  detailed = false,
  testId = 'store-score',
}: {
  score: StoreScore;
  detailed?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <span className={styles.score} data-testid={testId} data-score={score.score}>
      <span className={styles['score-main']}>
        <span className="small muted">{t('score.title')}</span> <strong>{t('score.value', { score: score.score.toFixed(1) })}</strong>
      </span>
      {detailed && (
        <span className={cx('small muted', styles['score-parts'])}>
          {score.rating && <span>{t('score.rating', { average: score.rating.average.toFixed(1), count: score.rating.count })}</span>}
          {score.shipping && <span>{t('score.shipping', { hours: Math.max(1, Math.round(score.shipping.averageHours)) })}</span>}
          {score.refunds && <span>{t('score.refunds', { percent: Math.round(score.refunds.rate * 100) })}</span>}
        </span>
      )}
    </span>
  );
}
