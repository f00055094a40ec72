import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Group } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ChatView, type ChatEnv } from '../../components/chat/ChatView.tsx';
import { DropCouponSheet, useCouponBook } from '../../components/chat/CouponDrop.tsx';
import { JoinBlockedNote } from '../../components/chat/JoinBlocked.tsx';
import { FanBadge, PinIcon, TicketIcon } from '../../components/chat/FanBadge.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useChannelChat, useChatSnapshot, useGroupMembers, type Conversation, type Person } from '../../lib/chat.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { JoinRuleLabel } from './JoinRuleLabel.tsx';
import { groupKey, useGroup } from './useGroup.ts';
import styles from '../../components/chat/chat.module.css';
import { cx } from '../../lib/cx.ts';

/** A fan group: who it is for and how to join, or — for members — its chat. */
export function GroupPage() {
  const { id = '' } = useParams();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const { data: group, error, refetch } = useGroup(id);
  const refresh = useCallback(() => void refetch(), [refetch]);
  const onJoined = useCallback((g: Group) => queryClient.setQueryData(groupKey(g.id, me?.id ?? null), g), [queryClient, me?.id]);

  if (error !== null && !group) {
    const gone = error.code === 'not_found';
    return <ErrorMessage error={error} onRetry={gone ? undefined : refresh} testId="group-error" />;
  }
  if (!group) return <Loading testId="group-loading" />;
  if (group.me?.status === 'member') return <GroupChat group={group} refresh={refresh} />;
  return <GroupLobby group={group} onJoined={onJoined} onFollowed={refresh} />;
}

function GroupHead({ group, children }: { group: Group; children?: ReactNode }) {
  const { t, tn } = useI18n();
  return (
    <header className={styles['chat-head']} data-testid="group-head">
      <Link to="/inbox?tab=chats" className={styles['chat-back']} aria-label="←">
        ←
      </Link>
      <Avatar user={group.owner} size={38} />
      <div className={styles['chat-head-text']}>
        <h1 className={styles['chat-title']} data-testid="group-name">
          {group.name}
        </h1>
        <span className="muted small" data-testid="group-members">
          {tn('msg.membersCount', group.members)}
          {group.me?.status === 'member' && group.me.role !== 'owner' && (
            // A member's own standing with the creator, where they talk to the other fans.
            <span data-testid="group-my-level" data-level={group.me.fanLevel} title={t('group.yourLevel', { level: group.me.fanLevel })}>
              {' · '}
              <FanBadge level={group.me.fanLevel} />
            </span>
          )}
        </span>
      </div>
      {children}
    </header>
  );
}

/** Not a member (yet): the group's card with the way in. */
function GroupLobby({ group, onJoined, onFollowed }: { group: Group; onJoined: (g: Group) => void; onFollowed: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const invite = params.get('invite') ?? undefined;
  const joining = useApiMutation(api.groups.join, { invalidates: [api.groups.mine], onSuccess: (r) => onJoined(r.group) });
  const busy = joining.isPending;
  const error = joining.error;
  const status = group.me?.status ?? 'none';
  const blocked = group.me?.joinBlockedReason ?? null;

  const join = () => {
    if (!me) return navigate(`/login?next=${encodeURIComponent(`/g/${group.id}${invite ? `?invite=${invite}` : ''}`)}`);
    joining.mutate({ params: { id: group.id }, body: invite ? { inviteCode: invite } : {} });
  };

  return (
    <section className="stack" data-testid="group-lobby">
      <GroupHead group={group} />
      <div className={cx('panel', styles['group-card'])}>
        <p className="small">
          <Link to={`/u/${group.owner.handle}`}>@{group.owner.handle}</Link>
        </p>
        {group.description && <p className="bio">{group.description}</p>}
        <p className="muted small">
          <JoinRuleLabel rule={group.joinRule} level={group.minFanLevel} /> ·{' '}
          {t('group.capacity', { members: group.members, capacity: group.capacity })}
        </p>
        {group.me && (
          <p className="small" data-testid="group-my-level">
            {t('group.yourLevel', { level: group.me.fanLevel })} <FanBadge level={group.me.fanLevel} />
          </p>
        )}
        {status === 'pending' && (
          <p className="note" data-testid="group-pending">
            {t('group.pendingLong')}
          </p>
        )}
        {status === 'banned' && (
          <p className="error-box" data-testid="group-banned">
            {t('group.bannedLong')}
          </p>
        )}
        {status === 'none' && (
          <>
            <p className="muted small">{t('group.notMember')}</p>
            {blocked && !invite && (
              <div data-testid="group-join-blocked">
                {group.me?.joinBlocked ? (
                  <JoinBlockedNote
                    code={group.me.joinBlocked}
                    owner={group.owner}
                    minFanLevel={group.minFanLevel}
                    myLevel={group.me.fanLevel}
                    onFollowed={onFollowed}
                  />
                ) : (
                  <p className="note">{blocked}</p>
                )}
              </div>
            )}
            <button
              type="button"
              className="btn btn-primary btn-block"
              onClick={join}
              disabled={busy || (!!blocked && !invite && !!me)}
              data-testid="group-join"
            >
              {busy ? t('group.joining') : group.joinRule === 'approval' && !invite ? t('group.askToJoin') : t('group.join')}
            </button>
          </>
        )}
        {error !== null && <ErrorMessage error={error} testId="group-join-error" overrides={{ forbidden: 'group.joinRefused' }} />}
      </div>
    </section>
  );
}

function GroupChat({ group, refresh }: { group: Group; refresh: () => void }) {
  const { t, lang } = useI18n();
  const { me, realtime } = useSession();
  const navigate = useNavigate();
  const conversation = useMemo((): Conversation => ({ type: 'group', id: group.id }), [group.id]);
  const chat = useChannelChat(realtime, group.channel, conversation, me?.id ?? null, group.me?.lastReadSeq ?? 0);
  const snap = useChatSnapshot(chat);
  const { people: members } = useGroupMembers(group.id, true, snap.systemTick);
  const coupons = useCouponBook(group.owner.handle, me?.id === group.owner.id);
  const [dropping, setDropping] = useState(false);
  const [announcementOpen, setAnnouncementOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const leaveGroup = useApiMutation(api.groups.leave, {
    invalidates: [api.groups.mine, api.groups.get],
    onSuccess: () => void navigate('/inbox?tab=chats'),
  });
  const role = group.me?.role ?? null;
  const isAdmin = role === 'owner' || role === 'admin';

  // Announcements, mutes and roles change the group: read it again when the chat says so.
  useEffect(() => {
    if (snap.systemTick > 0) refresh();
  }, [snap.systemTick, refresh]);

  // Names and badges: members by id, plus people named by member events (joined after the list loaded).
  const people = useMemo(() => {
    const m = new Map<string, Person>(members);
    for (const it of snap.items) {
      if (it.type === 'event' && it.body.kind === 'member' && it.body.user && !m.has(it.body.user.id))
        m.set(it.body.user.id, { user: it.body.user });
    }
    if (!m.has(group.owner.id)) m.set(group.owner.id, { user: group.owner, role: 'owner' });
    return m;
  }, [members, snap.items, group.owner]);

  const kicked = useMemo(() => {
    for (let i = snap.items.length - 1; i >= 0; i--) {
      const it = snap.items[i]!;
      if (it.type === 'event' && it.body.kind === 'member' && it.body.user?.id === me?.id) {
        return it.body.event === 'removed' || it.body.event === 'banned' || it.body.event === 'left';
      }
    }
    return false;
  }, [snap.items, me?.id]);

  const mutedUntil = group.me?.mutedUntil ?? null;
  let readOnly: string | null = null;
  if (kicked) readOnly = t('group.kicked');
  else if (mutedUntil && new Date(mutedUntil).getTime() > Date.now())
    readOnly = t('group.muted', { time: new Date(mutedUntil).toLocaleString(lang) });
  else if (group.mutedAll && !isAdmin) readOnly = t('group.mutedAll');

  const env: ChatEnv = {
    kind: 'group',
    surfaceId: group.id,
    meId: me?.id ?? '',
    people,
    isAdmin,
    onDelete: async (seq) => {
      await call(api.groups.deleteMessage, { params: { id: group.id, seq } });
    },
    coupons,
    shareHandles: [...new Set([group.owner.handle, me?.handle ?? ''])].filter(Boolean),
    readOnly,
    tools: isAdmin ? (
      <button
        type="button"
        className={styles['composer-icon']}
        onClick={() => setDropping(true)}
        aria-label={t('coupon.drop')}
        title={t('coupon.drop')}
        data-testid="composer-coupon"
      >
        <TicketIcon />
      </button>
    ) : undefined,
  };

  return (
    <section className={styles['chat-page']} data-testid="group-page" data-group={group.id}>
      <GroupHead group={group}>
        <span className={styles['chat-head-actions']}>
          {isAdmin && (
            <Link to={`/g/${group.id}/manage`} className="btn btn-small btn-ghost" data-testid="group-manage">
              {t('group.manage')}
            </Link>
          )}
          {role !== 'owner' &&
            (leaving ? (
              <>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => leaveGroup.mutate({ params: { id: group.id } })}
                  data-testid="group-leave-confirm"
                >
                  {t('group.leave')}
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setLeaving(false)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-ghost btn-quiet"
                onClick={() => setLeaving(true)}
                data-testid="group-leave"
              >
                {t('group.leave')}
              </button>
            ))}
        </span>
      </GroupHead>
      {leaveGroup.error !== null && <ErrorMessage error={leaveGroup.error} />}
      {group.announcement && (
        // One line until tapped open, so a long announcement never pushes the chat off a phone screen.
        <button
          type="button"
          className={cx(styles['chat-announcement'], !announcementOpen && styles['chat-announcement-closed'])}
          onClick={() => setAnnouncementOpen((o) => !o)}
          aria-expanded={announcementOpen}
          data-testid="group-announcement"
        >
          <span className={styles['chat-announcement-tag']}>
            <PinIcon /> {t('chat.announcement')}
          </span>
          <span className={styles['chat-announcement-text']} data-testid="group-announcement-text">
            {group.announcement}
          </span>
        </button>
      )}
      {chat ? <ChatView chat={chat} snap={snap} env={env} /> : <Loading testId="chat-loading" />}
      {dropping && (
        <DropCouponSheet
          groupId={group.id}
          ownerHandle={group.owner.handle}
          isOwner={role === 'owner'}
          onClose={() => setDropping(false)}
          onDropped={coupons.reload}
        />
      )}
    </section>
  );
}
