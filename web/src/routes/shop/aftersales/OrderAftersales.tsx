import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import {
  ACTIVE_AFTERSALES_STATUSES,
  AftersalesReason,
  MAX_AFTERSALES_PHOTOS,
  type AftersalesKind,
  type AftersalesRequest,
  type Order,
} from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { ErrorMessage } from '../../../components/Status.tsx';
import { call, uploadTo } from '../../../lib/client.ts';
import { useErrorText } from '../../../lib/errors.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { formatMoney } from '../../../lib/money.ts';
import { keyOf, useApiQuery } from '../../../lib/queries.ts';
import { cx } from '../../../lib/cx.ts';
import { useSession } from '../../../lib/session.tsx';
import sheet from '../../../components/ReasonSheet.module.css';
import shop from '../../../components/shop/shop.module.css';
import styles from '../../../components/shop/aftersales.module.css';

type Line = Order['items'][number];
type Role = 'buyer' | 'seller';

/** Requests that still hold their line's units (one at a time per line). */
const ACTIVE = new Set<AftersalesRequest['status']>(ACTIVE_AFTERSALES_STATUSES);

/**
 * Whether an order has a request still in play: a whole-order refund waits for it (the server
 * refuses one meanwhile), so the seller is pointed at the request instead. Shares the list's cache.
 */
export function useOpenAftersales(orderId: string, enabled: boolean): boolean {
  const list = useApiQuery(api.aftersales.ofOrder, { params: { id: orderId } }, { staleTime: 0, enabled });
  return (list.data?.items ?? []).some((r) => ACTIVE.has(r.status));
}

/**
 * After-sales on an order page: the buyer opens a request per line (a sheet: kind, how many,
 * reason, photos) and both sides follow each request's timeline and take its next step.
 */
export function OrderAftersales({ order, role }: { order: Order; role: Role }) {
  const { t } = useI18n();
  const args = { params: { id: order.id } };
  const list = useApiQuery(api.aftersales.ofOrder, args, { staleTime: 0 });
  const client = useQueryClient();
  const [sheetFor, setSheetFor] = useState<Line | null>(null);
  useAftersalesPushes(order.id, list.refetch);
  const changed = (r: AftersalesRequest) => {
    client.setQueryData(keyOf(api.aftersales.ofOrder, args), (d: { items: AftersalesRequest[] } | undefined) => ({
      items: [r, ...(d?.items ?? []).filter((x) => x.id !== r.id)],
    }));
    // A refund may have ended the whole order: its status and payment are asked for again.
    void client.invalidateQueries({ queryKey: keyOf(api.shop.order, args) });
  };
  if (!list.data) return list.error ? <ErrorMessage error={list.error} onRetry={() => void list.refetch()} /> : null;
  const items = list.data.items;
  const openable = role === 'buyer' && (order.status === 'shipped' || order.status === 'delivered');
  if (items.length === 0 && !openable) return null;
  const left = (line: Line) =>
    line.quantity -
    items.filter((r) => r.orderItemId === line.id && (ACTIVE.has(r.status) || r.status === 'refunded')).reduce((n, r) => n + r.quantity, 0);
  const busyLine = (line: Line) => items.some((r) => r.orderItemId === line.id && ACTIVE.has(r.status));
  return (
    <section className="stack-tight" data-testid="aftersales">
      <h3 className="section-title">{t('aftersales.title')}</h3>
      {openable && (
        <ul className={styles.lines}>
          {order.items.map((line) => (
            <li key={line.id} className={shop['row-between']}>
              <span className="small">{t('aftersales.line', { title: line.title, count: line.quantity })}</span>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={busyLine(line) || left(line) < 1}
                onClick={() => setSheetFor(line)}
                data-testid="aftersales-open"
                data-line-id={line.id}
              >
                {t('aftersales.open')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {items.map((r) => (
        <RequestCard key={r.id} request={r} role={role} onChange={changed} />
      ))}
      {sheetFor && (
        <OpenSheet
          line={sheetFor}
          max={left(sheetFor)}
          onClose={() => setSheetFor(null)}
          onOpened={(r) => {
            changed(r);
            setSheetFor(null);
          }}
        />
      )}
    </section>
  );
}

/** The other side took a step (an `aftersales` notification for this order arrived): the list is asked for again. */
function useAftersalesPushes(orderId: string, refetch: () => unknown): void {
  const { realtime, me } = useSession();
  const again = useRef(refetch);
  again.current = refetch;
  const userId = me?.id ?? null;
  useEffect(() => {
    if (!realtime || !userId) return;
    return realtime.subscribe(`user:${userId}`, (ev) => {
      if (
        ev.body.kind === 'notification' &&
        ev.body.notification.payload.kind === 'aftersales' &&
        ev.body.notification.payload.orderId === orderId
      )
        void again.current();
    });
  }, [realtime, userId, orderId]);
}

interface Picked {
  key: string;
  file: File;
  url: string;
}

/** The request sheet: what kind, how many units, why, and up to six photos sent one by one after the request. */
function OpenSheet({
  line,
  max,
  onClose,
  onOpened,
}: {
  line: Line;
  max: number;
  onClose: () => void;
  onOpened: (r: AftersalesRequest) => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [kind, setKind] = useState<AftersalesKind>('refund_only');
  const [quantity, setQuantity] = useState(1);
  const [reason, setReason] = useState<AftersalesReason | null>(null);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<Picked[]>([]);
  const [created, setCreated] = useState<AftersalesRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const urls = useRef(new Set<string>());
  useEffect(() => {
    const all = urls.current;
    return () => all.forEach((u) => URL.revokeObjectURL(u));
  }, []);

  const add = (files: FileList | null) => {
    const room = MAX_AFTERSALES_PHOTOS - photos.length;
    const more = [...(files ?? [])].slice(0, room).map((file) => {
      const url = URL.createObjectURL(file);
      urls.current.add(url);
      return { key: `${file.name}:${file.size}:${urls.current.size}`, file, url };
    });
    setPhotos((p) => [...p, ...more]);
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason) return setProblem(t('aftersales.pickReason'));
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      let r = created ?? (await call(api.aftersales.open, { body: { orderItemId: line.id, kind, quantity, reason, text } }));
      setCreated(r);
      const failed: Picked[] = [];
      for (const [i, p] of photos.entries()) {
        setProgress({ done: i + 1, total: photos.length });
        try {
          r = await uploadTo(api.aftersales.addPhoto, { params: { id: r.id }, file: p.file });
        } catch (err) {
          failed.push(p);
          setProblem(t('aftersales.photoFailed', { message: errorText(err) }));
        }
      }
      setProgress(null);
      setPhotos(failed);
      if (failed.length === 0) onOpened(r);
      else setCreated(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return createPortal(
    <div className={sheet.sheet} role="dialog" aria-modal="true" aria-labelledby="aftersales-title" data-testid="aftersales-sheet">
      <form className="panel stack" onSubmit={(e) => void send(e)} noValidate>
        <h2 id="aftersales-title">{t('aftersales.sheetTitle', { title: line.title })}</h2>
        {!created && (
          <>
            <Choices legend={t('aftersales.kind')}>
              {(['refund_only', 'return_refund'] as const).map((k) => (
                <label key={k}>
                  <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} data-testid={`aftersales-kind-${k}`} />
                  {t(`aftersales.kind.${k}`)}
                </label>
              ))}
            </Choices>
            <div className={styles.stepper}>
              <span id="aftersales-qty">{t('aftersales.quantity')}</span>
              <button
                type="button"
                className="btn btn-small"
                aria-label={t('aftersales.less')}
                disabled={quantity <= 1}
                onClick={() => setQuantity((q) => q - 1)}
              >
                −
              </button>
              <output aria-labelledby="aftersales-qty" data-testid="aftersales-quantity">
                {quantity}
              </output>
              <button
                type="button"
                className="btn btn-small"
                aria-label={t('aftersales.more')}
                disabled={quantity >= max}
                onClick={() => setQuantity((q) => q + 1)}
                data-testid="aftersales-more"
              >
                +
              </button>
            </div>
            <Choices legend={t('aftersales.reason')}>
              {AftersalesReason.options.map((r) => (
                <label key={r}>
                  <input
                    type="radio"
                    name="reason"
                    checked={reason === r}
                    onChange={() => {
                      setReason(r);
                      setProblem(null);
                    }}
                    data-testid={`aftersales-reason-${r}`}
                  />
                  {t(`aftersales.reason.${r}`)}
                </label>
              ))}
            </Choices>
            <div className="field">
              <label htmlFor="aftersales-text">{t('aftersales.text')}</label>
              <textarea id="aftersales-text" rows={2} maxLength={500} value={text} onChange={(e) => setText(e.target.value)} />
            </div>
          </>
        )}
        <div className="stack-tight">
          <span className="small">{t('aftersales.photos', { count: MAX_AFTERSALES_PHOTOS })}</span>
          <div className={styles.photos}>
            {photos.map((p) => (
              <figure key={p.key} data-testid="aftersales-picked">
                <img src={p.url} alt="" />
                <button
                  type="button"
                  aria-label={t('aftersales.removePhoto')}
                  disabled={busy}
                  onClick={() => setPhotos((all) => all.filter((x) => x !== p))}
                >
                  ×
                </button>
              </figure>
            ))}
            {photos.length < MAX_AFTERSALES_PHOTOS && (
              <label className={styles.add}>
                <input
                  type="file"
                  accept="image/jpeg,image/png,image/webp"
                  multiple
                  className="visually-hidden"
                  disabled={busy}
                  onChange={(e) => {
                    add(e.target.files);
                    e.target.value = '';
                  }}
                  data-testid="aftersales-photo-input"
                />
                <span aria-hidden="true">＋</span>
                <span className="small">{t('aftersales.addPhotos')}</span>
              </label>
            )}
          </div>
        </div>
        {progress && (
          <p className="small muted" role="status" data-testid="aftersales-progress">
            {t('aftersales.uploading', { done: progress.done, total: progress.total })}
          </p>
        )}
        {problem && (
          <p className="field-problem" role="alert" data-testid="aftersales-problem">
            {problem}
          </p>
        )}
        {error !== null && <ErrorMessage error={error} testId="aftersales-error" />}
        <div className="actions-row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="aftersales-submit">
            {busy ? t('common.working') : t('aftersales.submit')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => (created ? onOpened(created) : onClose())} disabled={busy}>
            {created ? t('aftersales.close') : t('aftersales.cancel')}
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}

function Choices({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className={styles.choices}>
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

/** One request: what was asked, where it stands, its timeline, and the next step for this side. */
export function RequestCard({
  request: r,
  role,
  onChange,
  moderator,
}: {
  request: AftersalesRequest;
  role: Role | 'moderator';
  onChange: (r: AftersalesRequest) => void;
  moderator?: boolean;
}) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<'decline' | 'escalate' | null>(null);
  const [note, setNote] = useState('');
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const params = { id: r.id };
  const run = async (step: () => Promise<AftersalesRequest>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await step());
      setForm(null);
      setNote('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const at = (iso: string) => new Date(iso).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <article className={cx('stack-tight', styles.request)} data-testid="aftersales-request" data-status={r.status} data-request-id={r.id}>
      <header className={shop['row-between']}>
        <strong className="small">
          {t('aftersales.line', { title: r.title, count: r.quantity })} · {t(`aftersales.kind.${r.kind}`)}
        </strong>
        <span className={cx('pill', styles[`status-${r.status}`])} data-testid="aftersales-status">
          {t(`aftersales.status.${r.status}`)}
        </span>
      </header>
      <p className="small muted">
        {t(`aftersales.reason.${r.reason}`)}
        {r.text ? ` — ${r.text}` : ''}
      </p>
      {r.photos.length > 0 && (
        <div className={styles.thumbs}>
          {r.photos.map((p) => (
            <a key={p.id} href={p.url} target="_blank" rel="noreferrer">
              <img src={p.thumbUrl} alt="" width={56} height={56} />
            </a>
          ))}
        </div>
      )}
      {r.refund && (
        <p className="small" data-testid="aftersales-refund">
          {t('aftersales.refund', { amount: formatMoney(r.refund.amount, r.refund.currency, lang) })}
        </p>
      )}
      {r.declineReason && <p className="small">{t('aftersales.declined', { reason: r.declineReason })}</p>}
      {r.returnShipment && (
        <p className="small">
          {t('aftersales.returnWith', { carrier: r.returnShipment.carrier, tracking: r.returnShipment.trackingNumber })}
        </p>
      )}
      <ol className={shop.timeline} data-testid="aftersales-timeline">
        {r.timeline.map((e, i) => (
          <li key={`${e.at}-${i}`} data-kind={e.kind}>
            <span>
              {t(`aftersales.event.${e.kind}`)}
              {e.note ? <span className="muted"> — {e.note}</span> : null}
            </span>
            <span className={cx('small muted', styles.when)}>{at(e.at)}</span>
          </li>
        ))}
      </ol>
      {role === 'buyer' && r.status === 'accepted' && (
        <form
          className="form stack-tight"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => call(api.aftersales.shipBack, { params, body: { carrier, trackingNumber: tracking } }));
          }}
          data-testid="aftersales-ship-form"
        >
          <strong className="small">{t('aftersales.shipBack')}</strong>
          <Field
            id={`as-carrier-${r.id}`}
            label={t('aftersales.carrier')}
            value={carrier}
            onChange={(e) => setCarrier(e.target.value)}
            required
            maxLength={40}
            data-testid="aftersales-carrier"
          />
          <Field
            id={`as-tracking-${r.id}`}
            label={t('aftersales.tracking')}
            value={tracking}
            onChange={(e) => setTracking(e.target.value)}
            required
            maxLength={40}
            data-testid="aftersales-tracking"
          />
          <button
            type="submit"
            className="btn btn-primary btn-small"
            disabled={busy || !carrier.trim() || tracking.trim().length < 4}
            data-testid="aftersales-ship-submit"
          >
            {busy ? t('common.working') : t('aftersales.shipBackSubmit')}
          </button>
        </form>
      )}
      {role === 'buyer' && r.status === 'declined' && form !== 'escalate' && (
        <div className="actions-row">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setForm('escalate')} data-testid="aftersales-escalate">
            {t('aftersales.escalate')}
          </button>
        </div>
      )}
      {role === 'seller' && r.status === 'requested' && form !== 'decline' && (
        <div className="actions-row">
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy}
            onClick={() => void run(() => call(api.aftersales.accept, { params }))}
            data-testid="aftersales-accept"
          >
            {t('aftersales.accept')}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy}
            onClick={() => setForm('decline')}
            data-testid="aftersales-decline"
          >
            {t('aftersales.decline')}
          </button>
        </div>
      )}
      {role === 'seller' && r.status === 'returning' && (
        <div className="actions-row">
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy}
            onClick={() => void run(() => call(api.aftersales.receive, { params }))}
            data-testid="aftersales-receive"
          >
            {busy ? t('common.working') : t('aftersales.receive')}
          </button>
        </div>
      )}
      {form && (
        <form
          className="form stack-tight"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() =>
              form === 'decline'
                ? call(api.aftersales.decline, { params, body: { reason: note } })
                : call(api.aftersales.escalate, { params, body: { text: note } }),
            );
          }}
          data-testid={`aftersales-${form}-form`}
        >
          <div className="field">
            <label htmlFor={`as-note-${r.id}`}>{form === 'decline' ? t('aftersales.declineReason') : t('aftersales.escalateText')}</label>
            <textarea
              id={`as-note-${r.id}`}
              rows={2}
              maxLength={300}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              required={form === 'decline'}
              data-testid="aftersales-note"
            />
          </div>
          <div className="actions-row">
            <button
              type="submit"
              className="btn btn-small btn-primary"
              disabled={busy || (form === 'decline' && !note.trim())}
              data-testid="aftersales-note-submit"
            >
              {form === 'decline' ? t('aftersales.declineSubmit') : t('aftersales.escalateSubmit')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setForm(null)} disabled={busy}>
              {t('aftersales.cancel')}
            </button>
          </div>
        </form>
      )}
      {moderator && r.status === 'escalated' && (
        <div className="stack-tight">
          <div className="field">
            <label htmlFor={`as-decide-${r.id}`}>{t('aftersales.decideNote')}</label>
            <textarea id={`as-decide-${r.id}`} rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="actions-row">
            <button
              type="button"
              className="btn btn-primary btn-small"
              disabled={busy}
              onClick={() => void run(() => call(api.aftersales.decide, { params, body: { decision: 'refund', note } }))}
              data-testid="aftersales-decide-refund"
            >
              {t('aftersales.decideRefund')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={busy}
              onClick={() => void run(() => call(api.aftersales.decide, { params, body: { decision: 'uphold', note } }))}
              data-testid="aftersales-decide-uphold"
            >
              {t('aftersales.decideUphold')}
            </button>
          </div>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} testId="aftersales-step-error" />}
    </article>
  );
}
