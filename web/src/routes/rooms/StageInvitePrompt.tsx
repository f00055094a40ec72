import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Notification as NotificationT, UserSummary } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { call } from '../../lib/client.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import styles from './StageInvitePrompt.module.css';

interface Invite {
  notificationId: string;
  roomId: string;
  title: string;
  actor: UserSummary;
}

/** An invitation older than this (a replay after a reconnect, say) stays in the inbox only. */
const FRESH_MS = 10 * 60_000;

/**
 * A stage invitation wherever the person is in the app: a prompt over any page, accepting takes
 * them onto the stage and into the room. On the room's own page, the room shows its own prompt.
 */
export function StageInvitePrompt() {
  const { me, realtime } = useSession();
  const { t } = useI18n();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [invites, setInvites] = useState<Invite[]>([]);
  const [busy, setBusy] = useState<'accept' | 'decline' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const userId = me?.id ?? null;

  useEffect(() => {
    setInvites([]);
    if (!realtime || !userId) return;
    const offer = (n: NotificationT) => {
      const p = n.payload;
      if (p.kind !== 'room_invite' || n.read || Date.now() - Date.parse(n.createdAt) > FRESH_MS) return;
      const next: Invite = { notificationId: n.id, roomId: p.roomId, title: p.title, actor: p.actor };
      // One prompt per room: the newest invitation to a room replaces an older one.
      setInvites((prev) => {
        const same = prev.find((i) => i.roomId === p.roomId);
        if (same && same.notificationId >= next.notificationId) return prev;
        return [...prev.filter((i) => i.roomId !== p.roomId), next];
      });
    };
    let live = true;
    // An invitation sent before the subscription was confirmed (the app opening, a reconnect) is
    // already in the inbox: once nothing can be missed any more, fresh unread ones are asked here.
    const loadInbox = () => {
      call(api.notifications.list, { query: { limit: 20 } })
        .then((page) => {
          if (live) for (const n of page.items) offer(n);
        })
        .catch(() => undefined);
    };
    const stop = realtime.subscribe(
      `user:${userId}`,
      (ev) => {
        if (ev.body.kind === 'notification') offer(ev.body.notification);
      },
      loadInbox,
    );
    return () => {
      live = false;
      stop();
    };
  }, [realtime, userId]);

  // Opening the room hands the invitation to the room's own prompt: it is not asked again elsewhere.
  useEffect(() => {
    setInvites((prev) => (prev.some((i) => pathname === `/r/${i.roomId}`) ? prev.filter((i) => pathname !== `/r/${i.roomId}`) : prev));
  }, [pathname, invites.length]);

  const current = invites.find((i) => pathname !== `/r/${i.roomId}`) ?? null;
  if (!current) return null;

  const done = (invite: Invite) => {
    setInvites((prev) => prev.filter((i) => i.notificationId !== invite.notificationId));
    setError(null);
    // Answered here: the inbox item is read on every device too.
    call(api.notifications.markRead, { body: { ids: [invite.notificationId] } }).catch(() => undefined);
  };

  const answer = async (accept: boolean) => {
    const invite = current;
    setBusy(accept ? 'accept' : 'decline');
    setError(null);
    try {
      await call(api.rooms.answerInvite, { params: { id: invite.roomId }, body: { accept } });
      done(invite);
      if (accept) void navigate(`/r/${invite.roomId}`);
    } catch (e) {
      // Declining something already gone needs no error; accepting it does.
      if (accept) setError(e);
      else done(invite);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div
      className={styles.prompt}
      role="alertdialog"
      aria-labelledby="stage-invite-title"
      data-testid="stage-invite-prompt"
      data-room={current.roomId}
    >
      <Avatar user={current.actor} size={44} />
      <div className={styles.body}>
        <strong id="stage-invite-title" className={styles.title}>
          {t('rooms.prompt.title')}
        </strong>
        <p className={styles.text}>{t('rooms.prompt.invite', { name: current.actor.displayName, title: current.title })}</p>
        {error !== null && (
          <p className={styles.error} role="alert" data-testid="stage-invite-error">
            {errorText(error, { not_found: 'rooms.prompt.gone', invalid_state: 'rooms.prompt.gone' })}
          </p>
        )}
        <div className={styles.actions}>
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy !== null}
            onClick={() => void answer(true)}
            data-testid="stage-invite-accept"
          >
            {busy === 'accept' ? t('common.working') : t('rooms.prompt.accept')}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy !== null}
            onClick={() => (error !== null ? done(current) : void answer(false))}
            data-testid="stage-invite-decline"
          >
            {t('rooms.prompt.decline')}
          </button>
        </div>
      </div>
    </div>
  );
}
