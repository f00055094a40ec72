import { useEffect, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { ProductCard as ProductCardSchema, GuestActionBody, HandRaise, RoomState, StageMember } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { FanBadge } from '../../components/chat/FanBadge.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { useApiQuery } from '../../lib/queries.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { formatPriceRange } from '../../lib/money.ts';
import { cx } from './cx.ts';
import styles from './HostTools.module.css';
import shared from './shared.module.css';

/** Runs one host action at a time, showing that it is under way and why it failed. */
export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

/** The host's menu on a guest's tile: mic, camera, back to the audience, kick, ban, co-host, host. */
export function GuestMenu({ roomId, member }: { roomId: string; member: StageMember }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const { busy, error, run } = useAction();
  const act = (action: GuestActionBody['action']) =>
    run(action, async () => {
      await call(api.rooms.guestAction, { params: { id: roomId, userId: member.user.id }, body: { action } });
      setOpen(false);
    });
  const handOver = () =>
    run('host', async () => {
      await call(api.rooms.transferHost, { params: { id: roomId }, body: { userId: member.user.id } });
      setOpen(false);
    });
  const item = (key: string, label: string, onClick: () => void, danger = false) => (
    <button
      type="button"
      role="menuitem"
      className={cx(styles.menuItem, danger && styles.danger)}
      disabled={busy !== null}
      onClick={onClick}
      data-testid={`guest-${key}`}
    >
      {busy === key ? t('common.working') : label}
    </button>
  );
  return (
    <div className={styles.tileMenu}>
      <button
        type="button"
        className={styles.menuButton}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('rooms.guestMenu', { name: member.user.displayName })}
        onClick={() => setOpen((o) => !o)}
        data-testid="guest-menu"
      >
        ⋯
      </button>
      {open && (
        <div className={styles.menu} role="menu" data-testid="guest-menu-list">
          {member.micBlocked
            ? item('unmute_mic', t('rooms.action.unmuteMic'), () => void act('unmute_mic'))
            : item('mute_mic', t('rooms.action.muteMic'), () => void act('mute_mic'))}
          {member.cameraBlocked
            ? item('camera_on', t('rooms.action.cameraOn'), () => void act('camera_on'))
            : item('camera_off', t('rooms.action.cameraOff'), () => void act('camera_off'))}
          {member.role === 'cohost'
            ? item('remove_cohost', t('rooms.action.removeCohost'), () => void act('remove_cohost'))
            : item('make_cohost', t('rooms.action.makeCohost'), () => void act('make_cohost'))}
          {member.role === 'cohost' && item('host', t('rooms.action.handOver'), () => void handOver())}
          {item('to_audience', t('rooms.action.toAudience'), () => void act('to_audience'))}
          {item('kick', t('rooms.action.kick'), () => void act('kick'), true)}
          {item('ban', t('rooms.action.ban'), () => void act('ban'), true)}
          {error !== null && <ErrorMessage error={error} testId="guest-menu-error" />}
        </div>
      )}
    </div>
  );
}

/** Raised hands, oldest first: the host brings someone on stage or declines. */
export function HandsQueue({ roomId, hands, total }: { roomId: string; hands: HandRaise[]; total: number }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const answer = (userId: string, accept: boolean) =>
    run(`${userId}:${accept}`, () => call(api.rooms.answerHand, { params: { id: roomId, userId }, body: { accept } }));
  return (
    <section className={shared.panel} data-testid="room-hands">
      <h3 className="small">{t('rooms.hands', { count: total })}</h3>
      {hands.length === 0 && <p className="small muted">{t('rooms.noHands')}</p>}
      <ul className={shared.people}>
        {hands.map((h) => (
          <li key={h.user.id} data-testid="room-hand" data-handle={h.user.handle}>
            <Avatar user={h.user} size={28} />
            <span className={shared.grow}>
              {h.user.displayName} <FanBadge level={h.fanLevel} />
            </span>
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy !== null}
              onClick={() => void answer(h.user.id, true)}
              data-testid="hand-accept"
            >
              {busy === `${h.user.id}:true` ? t('common.working') : t('rooms.accept')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={busy !== null}
              onClick={() => void answer(h.user.id, false)}
              data-testid="hand-decline"
            >
              {t('rooms.decline')}
            </button>
          </li>
        ))}
      </ul>
      {error !== null && <ErrorMessage error={error} testId="hands-error" />}
    </section>
  );
}

/** Friends to invite on stage; those on stage or already invited are marked. */
export function InvitePicker({ roomId, state, onClose }: { roomId: string; state: RoomState; onClose: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const friendsPage = useApiQuery(api.graph.friends, { params: { handle: me?.handle ?? '' }, query: { limit: 50 } }, { enabled: !!me });
  const friends = friendsPage.data?.items ?? null;
  const loadError = friendsPage.error;
  const { busy, error, run } = useAction();
  const onStage = new Set(state.stage.map((m) => m.user.id));
  const invited = new Set(state.invites.map((u) => u.id));
  return (
    <section className={shared.panel} data-testid="invite-picker">
      <header className={shared.panelHead}>
        <h3 className="small">{t('rooms.inviteTitle')}</h3>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          {t('rooms.close')}
        </button>
      </header>
      {loadError !== null && <ErrorMessage error={loadError} />}
      {friends === null && loadError === null && <p className="small muted">{t('common.loading')}</p>}
      {friends?.length === 0 && <p className="small muted">{t('rooms.noFriends')}</p>}
      <ul className={shared.people}>
        {friends?.map((f) => (
          <li key={f.id} data-testid="invite-friend" data-handle={f.handle}>
            <Avatar user={f} size={28} />
            <span className={shared.grow}>{f.displayName}</span>
            {onStage.has(f.id) ? (
              <span className="small muted">{t('rooms.onStage')}</span>
            ) : invited.has(f.id) ? (
              <span className="small muted" data-testid="invite-sent">
                {t('rooms.invited')}
              </span>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-primary"
                disabled={busy !== null || state.stage.length >= 9}
                onClick={() => void run(f.id, () => call(api.rooms.invite, { params: { id: roomId }, body: { userId: f.id } }))}
                data-testid="invite-send"
              >
                {busy === f.id ? t('common.working') : t('rooms.invite')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error !== null && <ErrorMessage error={error} testId="invite-error" />}
    </section>
  );
}

/** The host's products; one of them is pinned above the chat for everyone. */
export function PinPicker({ roomId, pinnedId, onClose }: { roomId: string; pinnedId: string | null; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [cards, setCards] = useState<ProductCardSchema[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const { busy, error, run } = useAction();
  useEffect(() => {
    if (!me) return;
    call(api.shop.sellerProducts, { params: { handle: me.handle }, query: { limit: 50 } })
      .then((p) => p.items)
      .then(setCards, setLoadError);
  }, [me]);
  const pin = (productId: string | null) =>
    run(productId ?? 'none', () => call(api.rooms.pin, { params: { id: roomId }, body: { productId } }));
  return (
    <section className={shared.panel} data-testid="pin-picker">
      <header className={shared.panelHead}>
        <h3 className="small">{t('rooms.pinTitle')}</h3>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          {t('rooms.close')}
        </button>
      </header>
      {loadError !== null && <ErrorMessage error={loadError} />}
      {cards === null && loadError === null && <p className="small muted">{t('common.loading')}</p>}
      {cards?.length === 0 && <p className="small muted">{t('rooms.noProducts')}</p>}
      <ul className={shared.people}>
        {cards?.map((c) => (
          <li key={c.id} data-testid="pin-product" data-product-id={c.id}>
            {c.imageUrl ? <img src={c.imageUrl} alt="" className={shared.thumb} /> : <span className={shared.thumb} aria-hidden="true" />}
            <span className={shared.grow}>
              {c.title} <span className="muted small">{formatPriceRange(c.price.min, c.price.max, c.price.currency, lang)}</span>
            </span>
            {c.id === pinnedId ? (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                disabled={busy !== null}
                onClick={() => void pin(null)}
                data-testid="pin-remove"
              >
                {t('rooms.unpin')}
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-primary"
                disabled={busy !== null}
                onClick={() => void pin(c.id)}
                data-testid="pin-send"
              >
                {busy === c.id ? t('common.working') : t('rooms.pin')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error !== null && <ErrorMessage error={error} testId="pin-error" />}
    </section>
  );
}
