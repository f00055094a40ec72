import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { Hashtag, type HashtagFeedSort, type HashtagPage as HashtagInfo } from '@tremolo/protocol';
import { ProductCard } from '../../components/shop/index.ts';
import { ErrorMessage } from '../../components/Status.tsx';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { pagerPropsOf } from '../../components/video/pagerProps.ts';
import { compactCount } from '../../components/video/videoApi.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { tagPath } from '../../lib/rich-text.ts';
import { useApiPages, useApiQuery } from '../../lib/queries.ts';
import { cx } from '../../lib/cx.ts';
import { feedItems } from '../videos/feedItems.ts';
import { TagChips } from './ResultRows.tsx';
import { NotFound } from '../NotFound.tsx';
import videoStyles from '../../components/video/video.module.css';
import shopStyles from '../../components/shop/shop.module.css';
import styles from './Search.module.css';

const PAGE = 10;

/**
 * `/t/<tag>`: the tag's videos as a swipe feed, hot or new, with its count on top; its related
 * tags and the products that appear with it open in a sheet over the feed.
 */
export function HashtagPage() {
  const { tag: raw = '' } = useParams();
  const parsed = Hashtag.safeParse(raw);
  if (!parsed.success) return <NotFound />;
  return <HashtagFeed key={parsed.data} tag={parsed.data} />;
}

function HashtagFeed({ tag }: { tag: string }) {
  const { t, tn, lang } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const sort: HashtagFeedSort = params.get('sort') === 'new' ? 'new' : 'hot';
  const [details, setDetails] = useState(false);
  const head = useApiQuery(api.search.hashtag, { params: { tag } });
  const feed = useApiPages(api.search.hashtagVideos, { params: { tag }, query: { sort, limit: PAGE } });
  const items = useMemo(() => feedItems(feed.data?.pages ?? []), [feed.data]);
  const info = head.data;

  const overlay = (
    <>
      <button
        type="button"
        className={cx(videoStyles.vside, videoStyles['vside-left'], styles['tag-back'])}
        onClick={() => void (window.history.length > 1 ? navigate(-1) : navigate('/discover'))}
        data-testid="hashtag-back"
      >
        ‹ {t('common.back')}
      </button>
      <div className={styles['tag-head']}>
        <button
          type="button"
          className={styles['tag-title']}
          onClick={() => setDetails(true)}
          aria-label={t('hashtag.details', { tag })}
          data-testid="hashtag-title"
          data-tag={tag}
        >
          #{tag} ▾
        </button>
        {info && (
          <span className={styles['tag-count']} data-testid="hashtag-count" data-count={info.videos}>
            {tn('hashtag.videos', info.videos, { n: compactCount(info.videos, lang) })}
            {info.views > 0 && ` · ${t('hashtag.views', { count: compactCount(info.views, lang) })}`}
          </span>
        )}
        <nav className={videoStyles.vtabs} aria-label={t('hashtag.sort')}>
          <Link to={tagPath(tag)} replace className={sort === 'hot' ? 'active' : undefined} data-testid="hashtag-hot">
            {t('hashtag.hot')}
          </Link>
          <Link to={`${tagPath(tag)}?sort=new`} replace className={sort === 'new' ? 'active' : undefined} data-testid="hashtag-new">
            {t('hashtag.new')}
          </Link>
        </nav>
      </div>
    </>
  );

  return (
    <div className={videoStyles['vscreen-host']} data-testid="hashtag-page" data-tag={tag} data-sort={sort}>
      <VideoPager
        key={sort}
        items={items}
        {...pagerPropsOf(feed)}
        overlay={overlay}
        testId="hashtag-feed"
        empty={
          <div className="stack">
            <p className="muted" data-testid="hashtag-empty">
              {t('hashtag.empty', { tag })}
            </p>
            {info && <Details tag={tag} info={info} />}
          </div>
        }
      />
      {details && (
        <div
          className={videoStyles['vsheet-backdrop']}
          role="presentation"
          onClick={(e) => e.target === e.currentTarget && setDetails(false)}
          onKeyDown={(e) => e.key === 'Escape' && setDetails(false)}
          data-testid="hashtag-details-backdrop"
        >
          <section className={videoStyles.vsheet} role="dialog" aria-label={t('hashtag.details', { tag })} data-testid="hashtag-details">
            <header className={videoStyles['vsheet-head']}>
              <strong>#{tag}</strong>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setDetails(false)}
                aria-label={t('hashtag.closeDetails')}
                data-testid="hashtag-details-close"
              >
                ✕
              </button>
            </header>
            <div className={videoStyles['vsheet-body']}>
              {head.error && <ErrorMessage error={head.error} onRetry={() => void head.refetch()} />}
              {info && <Details tag={tag} info={info} />}
            </div>
          </section>
        </div>
      )}
    </div>
  );
}

function Details({ tag, info }: { tag: string; info: HashtagInfo }) {
  const { t } = useI18n();
  return (
    <div className="stack">
      {info.related.length > 0 && (
        <section className={styles.section}>
          <h2 className="section-title">{t('hashtag.related')}</h2>
          <TagChips tags={info.related} testId="hashtag-related" />
        </section>
      )}
      {info.products.length > 0 && (
        <section className={styles.section} data-testid="hashtag-products">
          <h2 className="section-title">{t('hashtag.products', { tag })}</h2>
          <div className={shopStyles['pcard-grid']}>
            {info.products.map((p) => (
              <ProductCard key={p.id} card={p} via={{ surface: 'search' }} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
