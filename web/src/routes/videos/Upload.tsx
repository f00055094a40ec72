import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Video, Visibility } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { BagIcon } from '../../components/video/icons.tsx';
import { videosApi } from '../../components/video/videoApi.ts';
import styles from '../../components/video/video.module.css';
import { ApiError } from '../../lib/api.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import type { ErrorOverrides } from '../../lib/errors.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { cx } from '../../lib/cx.ts';

const MAX_BYTES = 200 * 1024 * 1024;
const EXTENSIONS = /\.(mp4|m4v|webm|mov)$/i;
const VISIBILITIES: { value: Visibility; label: MessageKey }[] = [
  { value: 'public', label: 'upload.visibility.public' },
  { value: 'friends', label: 'upload.visibility.friends' },
  { value: 'private', label: 'upload.visibility.private' },
];
/** Chinese wording for the upload's refusals; English shows the server's own sentence. */
const UPLOAD_ERRORS: ErrorOverrides = {
  unsupported_media_type: 'upload.notVideo',
  unprocessable: 'upload.unreadable',
  payload_too_large: 'upload.tooBig',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A problem with the chosen file that the browser can see before sending anything. */
function fileProblem(f: File): MessageKey | null {
  if (!f.type.startsWith('video/') && !EXTENSIONS.test(f.name)) return 'upload.notVideo';
  if (f.size > MAX_BYTES) return 'upload.tooBig';
  return null;
}

type Fields = Parameters<typeof videosApi.upload>[1];

/** The Create tab: choose a video, describe it, pick the cover frame and products, post; then watch it get processed. */
export function Upload() {
  const { t } = useI18n();
  const { me, realtime } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [previewFailed, setPreviewFailed] = useState(false);
  const [durationMs, setDurationMs] = useState(0);
  const [coverMs, setCoverMs] = useState<number | null>(null);
  const [caption, setCaption] = useState('');
  const [hashtags, setHashtags] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [productIds, setProductIds] = useState<string[]>([]);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [progress, setProgress] = useState(0);
  const player = useRef<HTMLVideoElement>(null);
  const client = useQueryClient();
  const uploading = useMutation<Video, ApiError, { file: File; fields: Fields }>({
    mutationFn: ({ file, fields }) => videosApi.upload(file, fields, setProgress),
    onMutate: () => setProgress(0),
    onSuccess: (video) => {
      client.setQueryData(keyOf(api.videos.get, { params: { id: video.id } }), video);
      // My lists gain it (processing, then ready).
      void client.invalidateQueries({ queryKey: [api.videos.byAuthor.path] });
    },
  });
  const sentId = uploading.data?.id ?? null;
  const error = uploading.error;

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  // Processing ends in the background; the server tells me on my own channel.
  useEffect(() => {
    if (!realtime || !me || !sentId) return;
    const refresh = () => void client.invalidateQueries({ queryKey: keyOf(api.videos.get, { params: { id: sentId } }) });
    return realtime.subscribe(
      `user:${me.id}`,
      (ev) => {
        if (ev.body.kind === 'video_status' && ev.body.videoId === sentId) refresh();
      },
      // Processing may have finished before the subscription was confirmed.
      refresh,
    );
  }, [realtime, me, sentId, client]);

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    uploading.reset();
    const p = fileProblem(f);
    setProblem(p);
    if (p) return;
    setFile(f);
    setPreviewFailed(false);
    setDurationMs(0);
    setCoverMs(null);
    setPreview(URL.createObjectURL(f));
  };

  const onCover = (ms: number) => {
    setCoverMs(ms);
    const v = player.current;
    if (v) v.currentTime = ms / 1000;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setProblem('upload.needFile');
    setProblem(null);
    uploading.mutate({ file, fields: { caption: caption.trim(), hashtags, visibility, coverTimeMs: coverMs, productIds } });
  };

  const reset = () => {
    setFile(null);
    setPreview(null);
    setCaption('');
    setHashtags('');
    setProductIds([]);
    setCoverMs(null);
    uploading.reset();
  };

  if (uploading.data) return <Sent sent={uploading.data} onAnother={reset} />;
  const busy = uploading.isPending;

  return (
    <section className="stack" data-testid="upload-page">
      <header className="page-head page-head-row">
        <div className="page-head">
          <h1>{t('upload.title')}</h1>
          <p className="muted small">{t('upload.lead')}</p>
        </div>
        {me && (
          <Link to="/me/videos" className="btn btn-ghost btn-small" data-testid="upload-my-videos">
            {t('upload.myVideos')}
          </Link>
        )}
      </header>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="upload-form">
        {preview ? (
          <div className="stack">
            <div className={styles['vupload-preview']}>
              <video
                ref={player}
                src={preview}
                muted
                playsInline
                preload="auto"
                data-testid="upload-preview"
                onLoadedMetadata={(e) => {
                  const d = e.currentTarget.duration;
                  if (Number.isFinite(d)) setDurationMs(Math.floor(d * 1000));
                }}
                onError={() => setPreviewFailed(true)}
              />
            </div>
            <p className={cx('muted', 'small', styles['vfile-name'])} data-testid="upload-file-name">
              {file?.name}
            </p>
            {previewFailed && <p className="note">{t('upload.previewFailed')}</p>}
            {durationMs > 0 && (
              <div className="field">
                <label htmlFor="upload-cover">{t('upload.cover')}</label>
                <input
                  id="upload-cover"
                  className={styles.vrange}
                  type="range"
                  min={0}
                  max={durationMs}
                  step={100}
                  value={coverMs ?? 0}
                  onChange={(e) => onCover(Number(e.target.value))}
                  disabled={busy}
                  data-testid="upload-cover"
                />
                <p className="field-hint muted">{t('upload.coverHint', { time: seconds(coverMs ?? 0) })}</p>
              </div>
            )}
          </div>
        ) : null}
        <label className={preview ? 'btn btn-ghost' : styles.vdrop} data-testid="upload-pick">
          {!preview && <span style={{ fontSize: '2rem' }}>＋</span>}
          <span>{preview ? t('upload.change') : t('upload.pick')}</span>
          {!preview && <span className="muted small">{t('upload.lead')}</span>}
          <input
            type="file"
            accept="video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov,.m4v"
            className="visually-hidden"
            onChange={pick}
            disabled={busy}
            data-testid="upload-file"
          />
        </label>
        {problem && (
          <p className="error-box" role="alert" data-testid="upload-problem">
            {t(problem)}
          </p>
        )}

        <div className="field">
          <label htmlFor="upload-caption">{t('upload.caption')}</label>
          <textarea
            id="upload-caption"
            rows={3}
            maxLength={300}
            value={caption}
            onChange={(e) => setCaption(e.target.value)}
            disabled={busy}
            data-testid="upload-caption"
          />
          <p className="field-hint muted">{t('upload.captionHint')}</p>
        </div>
        <Field
          id="upload-hashtags"
          label={t('upload.hashtags')}
          hint={t('upload.hashtagsHint')}
          value={hashtags}
          onChange={(e) => setHashtags(e.target.value)}
          maxLength={400}
          disabled={busy}
          data-testid="upload-hashtags"
        />

        <fieldset className={styles.vfieldset} disabled={busy}>
          <legend>{t('upload.visibility')}</legend>
          <div className={styles.vradio}>
            {VISIBILITIES.map((v) => (
              <label key={v.value} data-testid={`upload-visibility-${v.value}`}>
                <input
                  type="radio"
                  name="visibility"
                  value={v.value}
                  checked={visibility === v.value}
                  onChange={() => setVisibility(v.value)}
                />
                {t(v.label)}
              </label>
            ))}
          </div>
        </fieldset>

        <ProductPicker selected={productIds} onChange={setProductIds} disabled={busy} />

        {error !== null && <ErrorMessage error={error} overrides={UPLOAD_ERRORS} testId="upload-error" />}
        {busy && (
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
            data-testid="upload-progress"
          >
            <span style={{ width: `${Math.round(progress * 100)}%` }} />
            <em>{t('upload.uploading', { percent: Math.round(progress * 100) })}</em>
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="upload-submit">
          {busy ? t('common.working') : t('upload.submit')}
        </button>
      </form>
    </section>
  );
}

function ProductPicker({ selected, onChange, disabled }: { selected: string[]; onChange(ids: string[]): void; disabled: boolean }) {
  const { t } = useI18n();
  const mine = useApiQuery(api.shop.myProducts, { query: { limit: 50 } });
  // No shop yet is simply nothing to link.
  const noShop = mine.error?.code === 'not_found';
  const failed = mine.error !== null && !noShop;
  const products = noShop ? [] : (mine.data?.items.filter((x) => x.status !== 'unpublished') ?? null);

  const toggle = (id: string) => onChange(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id]);

  return (
    <fieldset className={styles.vfieldset} disabled={disabled} data-testid="upload-products">
      <legend>{t('upload.products')}</legend>
      {failed && <p className="muted small">{t('upload.productsFailed')}</p>}
      {products?.length === 0 && (
        <p className="muted small" data-testid="upload-no-products">
          {t('upload.noProducts')}
        </p>
      )}
      {products && products.length > 0 && (
        <ul className={styles.vproducts}>
          {products.map((p) => (
            <li key={p.id}>
              <label data-testid="upload-product" data-product-id={p.id}>
                <input type="checkbox" checked={selected.includes(p.id)} onChange={() => toggle(p.id)} />
                {p.imageUrl ? (
                  <img src={p.imageUrl} alt="" />
                ) : (
                  <span className={styles['vchip-noimg']}>
                    <BagIcon />
                  </span>
                )}
                <span>{p.title}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** After the upload: processing, then ready or failed, live. */
function Sent({ sent, onAnother }: { sent: Video; onAnother(): void }) {
  const { t } = useI18n();
  const video = useApiQuery(api.videos.get, { params: { id: sent.id } }).data ?? sent;
  return (
    <section className="stack" data-testid="upload-sent" data-status={video.status} data-video-id={video.id}>
      <h1>{t('upload.title')}</h1>
      {video.status === 'processing' && (
        <div className="loading" role="status" data-testid="upload-processing">
          <span className="spinner" aria-hidden="true" />
          {t('upload.processing')}
        </div>
      )}
      {video.status === 'ready' && (
        <p className="success" data-testid="upload-ready">
          {t('upload.ready')}
        </p>
      )}
      {video.status === 'failed' && (
        <p className="error-box" role="alert" data-testid="upload-failed">
          {t('upload.failed', { reason: video.error ?? '' })}
        </p>
      )}
      {video.posterUrl && <img src={video.posterUrl} alt="" style={{ maxWidth: 180, borderRadius: 10, alignSelf: 'center' }} />}
      <div className="actions-row">
        {video.status === 'ready' && (
          <Link to={`/v/${video.id}`} className="btn btn-primary" data-testid="upload-watch">
            {t('upload.watch')}
          </Link>
        )}
        <button type="button" className="btn btn-ghost" onClick={onAnother} data-testid="upload-another">
          {t('upload.another')}
        </button>
      </div>
      <Link to="/me/videos" className="muted small" data-testid="upload-sent-my-videos">
        {t('upload.myVideos')}
      </Link>
    </section>
  );
}
