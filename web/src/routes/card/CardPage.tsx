import { ReportSheet } from '../../components/ReportSheet.tsx';
import { useCallback, useRef, useState, type JSX, type RefObject } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Card, Relationship } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { CardSections } from '../../components/CardSections.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import { useRequireLogin } from '../../components/share/AuthPrompt.tsx';
import { ShareSheet } from '../../components/share/ShareSheet.tsx';
import { CreatorVideos } from '../../components/video/CreatorVideos.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { useI18n } from '../../lib/i18n.tsx';
import styles from './CardPage.module.css';
import { cx } from '../../lib/cx.ts';

/** The personal card (个人名片): public, works logged out, and can be shared as a QR code or a PNG. */
export function CardPage() {
  const { t } = useI18n();
  const { handle = '' } = useParams();
  const queryClient = useQueryClient();
  const args = { params: { handle } };
  const query = useApiQuery(api.cards.card, args);
  const { refetch } = query;

  /** After a follow or block the counts moved; refetch quietly, keeping the card on screen. */
  const refresh = useCallback(() => void refetch(), [refetch]);

  if (query.error) {
    // Retrying cannot conjure a person who does not exist.
    const gone = query.error.code === 'not_found';
    return (
      <div className="stack">
        <ErrorMessage error={query.error} onRetry={gone ? undefined : () => void refetch()} testId="card-error" />
        {gone && (
          <Link to="/" className="btn btn-ghost">
            {t('notFound.home')}
          </Link>
        )}
      </div>
    );
  }
  const card = query.data;
  if (!card) return <Loading testId="card-loading" />;
  return (
    <CardView
      card={card}
      onRelationship={(r) =>
        queryClient.setQueryData<Card>(keyOf(api.cards.card, args), (prev) => (prev ? { ...prev, relationship: r } : prev))
      }
      refresh={refresh}
    />
  );
}

function CardView({ card, onRelationship, refresh }: { card: Card; onRelationship: (r: Relationship) => void; refresh: () => void }) {
  const { t } = useI18n();
  const sheet = useRef<HTMLElement>(null);
  const { user, counts, relationship } = card;
  const hidden = relationship?.blockedBy ?? false;

  return (
    <div className="stack">
      <article className={styles['card-sheet']} ref={sheet} data-testid="card">
        <div className={styles['card-cover']} aria-hidden="true" />
        <div className={styles['card-head']}>
          <Avatar user={user} size={96} testId="card-avatar" />
          <h1 className={styles['card-name']} data-testid="card-name">
            {user.displayName}
          </h1>
          <p className="muted" data-testid="card-handle">
            @{user.handle}
          </p>
          {relationship?.followedBy && !relationship.friends && (
            <span className="pill no-capture" data-testid="card-follows-you">
              {t('card.followsYou')}
            </span>
          )}
          {relationship?.friends && (
            <span className="pill pill-friend no-capture" data-testid="card-friends-badge">
              {t('card.friends')}
            </span>
          )}
        </div>
        {user.bio && (
          <p className={cx('bio', styles['card-bio'])} data-testid="card-bio">
            {user.bio}
          </p>
        )}
        <div className="counts" data-testid="card-counts">
          <Count to={`/u/${user.handle}/following`} value={counts.following} label={t('card.following')} testId="count-following" />
          <Count to={`/u/${user.handle}/followers`} value={counts.followers} label={t('card.followers')} testId="count-followers" />
          <Count to={`/u/${user.handle}/friends`} value={counts.friends} label={t('card.friendsCount')} testId="count-friends" />
        </div>
        <div className="no-capture">
          <Actions card={card} onRelationship={onRelationship} refresh={refresh} />
        </div>
        {!hidden && <CardSections sections={card.sections} owner={user} />}
        <div className={styles['card-qr']}>
          <QrCode value={card.url} testId="card-qr" />
          <div className={styles['card-qr-text']}>
            <strong>{t('card.scanTitle')}</strong>
            <span className="muted small">{t('card.scanBody', { name: user.displayName })}</span>
            <span className={cx(styles['card-url'], 'small')} data-testid="card-url">
              {card.url}
            </span>
          </div>
        </div>
      </article>
      <ShareButton card={card} />
      <SaveImage target={sheet} handle={user.handle} />
      {!hidden && <CreatorVideos handle={user.handle} />}
    </div>
  );
}

function ShareButton({ card }: { card: Card }) {
  const { t, tn } = useI18n();
  const [open, setOpen] = useState(false);
  const { user } = card;
  return (
    <>
      <button type="button" className="btn btn-primary btn-block" onClick={() => setOpen(true)} data-testid="card-share">
        {t('sheet.share')}
      </button>
      {open && (
        <ShareSheet
          item={{
            target: { type: 'card', handle: user.handle },
            path: `/u/${user.handle}`,
            title: user.displayName,
            subtitle: `@${user.handle} · ${tn('discover.followers', card.counts.followers)}`,
            image: user.avatarUrl,
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

function Count({ to, value, label, testId }: { to: string; value: number; label: string; testId: string }) {
  return (
    <Link to={to} className="count" data-testid={testId}>
      <strong>{value}</strong>
      <span className="muted">{label}</span>
    </Link>
  );
}

type Action = 'follow' | 'unfollow' | 'block' | 'unblock';
const ENDPOINTS = {
  follow: api.graph.follow,
  unfollow: api.graph.unfollow,
  block: api.graph.block,
  unblock: api.graph.unblock,
} satisfies Record<Action, unknown>;
/** Lists that show who follows whom, refetched after any change of relationship. */
const GRAPH_LISTS = [api.graph.followers, api.graph.following, api.graph.friends, api.graph.blocks];

function Actions({ card, onRelationship, refresh }: { card: Card; onRelationship: (r: Relationship) => void; refresh: () => void }) {
  const { t } = useI18n();
  const askLogin = useRequireLogin();
  const [busy, setBusy] = useState<Action | null>(null);
  const [confirmBlock, setConfirmBlock] = useState(false);
  const [reporting, setReporting] = useState(false);
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const r = card.relationship;
  const handle = card.user.handle;

  const run = async (action: Action) => {
    setBusy(action);
    setError(null);
    try {
      const res = await call(ENDPOINTS[action], { params: { handle } });
      await Promise.all(GRAPH_LISTS.map((e) => queryClient.invalidateQueries({ queryKey: [e.path] })));
      onRelationship(res.relationship);
      setConfirmBlock(false);
      refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  if (!r) {
    return (
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() =>
            askLogin({
              reason: { kind: 'follow', name: card.user.displayName },
              action: { kind: 'follow', handle },
              returnTo: `/u/${handle}`,
            })
          }
          data-testid="card-login-to-follow"
        >
          {t('card.follow')}
        </button>
        <p className="muted small">{t('card.loginToFollow')}</p>
      </div>
    );
  }
  if (r.self) {
    return (
      <div className="actions">
        <Link to="/me/edit" className="btn btn-ghost" data-testid="card-edit">
          {t('me.editProfile')}
        </Link>
      </div>
    );
  }

  let main: JSX.Element | null = null;
  if (r.blocking) {
    main = (
      <>
        <p className="muted small" data-testid="card-blocking">
          {t('card.youBlocked', { handle })}
        </p>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => void run('unblock')}
          disabled={busy !== null}
          data-testid="card-unblock"
        >
          {t('card.unblock')}
        </button>
      </>
    );
  } else if (r.blockedBy) {
    main = (
      <p className="muted small" data-testid="card-blocked-by">
        {t('card.blockedBy')}
      </p>
    );
  } else if (r.following) {
    main = (
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => void run('unfollow')}
        disabled={busy !== null}
        data-testid="card-unfollow"
        title={t('card.unfollow')}
      >
        {busy === 'unfollow' ? t('common.working') : r.friends ? t('card.friendsUnfollow') : t('card.followingUnfollow')}
      </button>
    );
  } else {
    main = (
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void run('follow')}
        disabled={busy !== null}
        data-testid="card-follow"
      >
        {busy === 'follow' ? t('common.working') : r.followedBy ? t('card.followBack') : t('card.follow')}
      </button>
    );
  }

  return (
    <div className="actions">
      <div className="actions-row">
        {main}
        {!r.blocking && !r.blockedBy && (
          <Link to={`/dm/${handle}`} className="btn btn-ghost" data-testid="card-message">
            {t('dm.message')}
          </Link>
        )}
        {!r.blocking && !confirmBlock && (
          <button
            type="button"
            className="btn btn-ghost btn-quiet"
            onClick={() => setConfirmBlock(true)}
            disabled={busy !== null}
            data-testid="card-block"
          >
            {t('card.block')}
          </button>
        )}
        <button type="button" className="btn btn-ghost btn-quiet" onClick={() => setReporting(true)} data-testid="card-report">
          {t('report.action')}
        </button>
      </div>
      {reporting && <ReportSheet surface="profile" targetId={card.user.id} onClose={() => setReporting(false)} />}
      {/* Friends watch together: the DM's + sheet opens on it, to pick a video and send the invitation. */}
      {r.friends && !r.blocking && !r.blockedBy && (
        <Link to={`/dm/${handle}?watch=1`} className="btn btn-ghost btn-block" data-testid="card-watch-together">
          ▶ {t('watch.title')}
        </Link>
      )}
      {confirmBlock && (
        <div className="confirm" role="alertdialog" aria-label={t('card.block')} data-testid="card-block-confirm-box">
          <p>{t('card.blockConfirm', { handle })}</p>
          <div className="actions-row">
            <button
              type="button"
              className="btn btn-danger btn-small"
              onClick={() => void run('block')}
              disabled={busy !== null}
              data-testid="card-block-confirm"
            >
              {t('card.block')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setConfirmBlock(false)}
              data-testid="card-block-cancel"
            >
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} testId="card-action-error" />}
    </div>
  );
}

function SaveImage({ target, handle }: { target: RefObject<HTMLElement | null>; handle: string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  const save = async () => {
    const node = target.current;
    if (!node) return;
    setBusy(true);
    setFailed(false);
    // Buttons and how I relate to this person are for this page, not for the shared picture;
    // hiding them (rather than filtering the clone) lets the picture shrink to what remains.
    node.classList.add('capturing');
    try {
      // Loaded on first use: most visits never save a picture.
      const { toPng } = await import('html-to-image');
      const dataUrl = await toPng(node, { pixelRatio: 2, backgroundColor: getComputedStyle(node).backgroundColor || '#16161d' });
      const a = document.createElement('a');
      a.href = dataUrl;
      a.download = `tremolo-${handle}.png`;
      document.body.append(a);
      a.click();
      a.remove();
    } catch {
      setFailed(true);
    } finally {
      node.classList.remove('capturing');
      setBusy(false);
    }
  };

  return (
    <div className="save-image">
      <button type="button" className="btn btn-ghost btn-block" onClick={() => void save()} disabled={busy} data-testid="card-save-image">
        {busy ? t('card.savingImage') : t('card.saveImage')}
      </button>
      {failed && (
        <p className="error-box" role="alert" data-testid="card-save-error">
          {t('card.saveImageFailed')}
        </p>
      )}
    </div>
  );
}
