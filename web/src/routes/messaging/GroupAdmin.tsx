import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Group as GroupT, ModerateBody } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { FanBadge, RoleTag } from '../../components/chat/FanBadge.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiPages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { groupKey, useGroup } from './useGroup.ts';
import styles from '../../components/chat/chat.module.css';

/** Admin tools: announcement, mute-all, invite link, join requests and member moderation. */
export function GroupAdmin() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { data: group, error, refetch } = useGroup(id);

  if (error !== null && !group) return <ErrorMessage error={error} onRetry={() => void refetch()} testId="admin-error" />;
  if (!group) return <Loading />;
  const role = group.me?.role;
  if (role !== 'owner' && role !== 'admin')
    return <ErrorMessage error={new ApiError('forbidden', 'Only group admins can do that', 403)} testId="admin-forbidden" />;

  return (
    <section className="stack" data-testid="group-admin">
      <Link to={`/g/${group.id}`} className="back">
        ← {group.name}
      </Link>
      <h1>{t('admin.title')}</h1>
      <Settings group={group} />
      <Requests group={group} />
      <Members group={group} />
    </section>
  );
}

function Settings({ group }: { group: GroupT }) {
  const { t } = useI18n();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [announcement, setAnnouncement] = useState(group.announcement ?? '');
  const [copied, setCopied] = useState(false);
  const update = useApiMutation(api.groups.update, {
    invalidates: [api.groups.mine],
    onSuccess: (g) => queryClient.setQueryData(groupKey(g.id, me?.id ?? null), g),
  });
  const busy = update.isPending;
  const saved = update.isSuccess;
  const error = update.error;

  const patch = (body: { announcement?: string; mutedAll?: boolean }) => update.mutate({ params: { id: group.id }, body });

  const inviteUrl = group.inviteCode ? `${location.origin}/g/${group.id}?invite=${encodeURIComponent(group.inviteCode)}` : null;

  return (
    <div className="panel stack">
      <h2 className="section-title">{t('admin.settings')}</h2>
      <div className="field">
        <label htmlFor="announcement">{t('admin.announcement')}</label>
        <textarea
          id="announcement"
          rows={3}
          maxLength={1000}
          value={announcement}
          onChange={(e) => setAnnouncement(e.target.value)}
          data-testid="admin-announcement"
        />
        <p className="field-hint muted">{t('admin.announcementHint')}</p>
      </div>
      <div className="actions-row">
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => patch({ announcement })}
          disabled={busy}
          data-testid="admin-announcement-save"
        >
          {t('admin.saveAnnouncement')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => patch({ mutedAll: !group.mutedAll })}
          disabled={busy}
          data-testid="admin-mute-all"
          data-muted={group.mutedAll}
        >
          {group.mutedAll ? t('admin.unmuteAll') : t('admin.muteAll')}
        </button>
      </div>
      {saved && (
        <p className="success small" data-testid="admin-saved">
          {t('admin.saved')}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} testId="admin-settings-error" />}
      {inviteUrl && (
        <div className="field">
          <label htmlFor="invite">{t('group.inviteLink')}</label>
          <div className={styles['share-link-row']}>
            <input id="invite" readOnly value={inviteUrl} data-testid="admin-invite" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                void navigator.clipboard?.writeText(inviteUrl).then(
                  () => setCopied(true),
                  () => undefined,
                );
              }}
            >
              {copied ? t('group.copied') : t('group.copy')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function useMemberList(groupId: string, status: 'member' | 'pending') {
  const pages = useApiPages(api.groups.members, { params: { id: groupId }, query: { status, limit: 100 } });
  const items = pages.data ? pages.data.pages.flatMap((p) => p.items) : null;
  return {
    items,
    error: pages.data || pages.isFetching ? null : pages.error,
    pages,
    reload: () => void pages.refetch(),
  };
}

/** A moderation step: the lists and the group (roles, mutes) are read again after it. */
function useModerate() {
  return useApiMutation(api.groups.moderate, { invalidates: [api.groups.members, api.groups.get] });
}

function Requests({ group }: { group: GroupT }) {
  const { t } = useI18n();
  const list = useMemberList(group.id, 'pending');
  const moderate = useModerate();
  const error = moderate.error;
  const act = (userId: string, action: 'approve' | 'decline') => moderate.mutate({ params: { id: group.id, userId }, body: { action } });
  return (
    <div className="panel" data-testid="admin-requests">
      <h2 className="section-title">{t('admin.requests')}</h2>
      {list.items === null && list.error === null && <Loading />}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.items?.length === 0 && <p className="muted small">{t('admin.noRequests')}</p>}
      <ul className="inbox-list">
        {list.items?.map((m) => (
          <li key={m.user.id} className={styles['member-row']} data-testid="admin-request" data-handle={m.user.handle}>
            <Avatar user={m.user} size={36} />
            <span className={styles['member-name']}>
              {m.user.displayName} <FanBadge level={m.fanLevel} />
            </span>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => act(m.user.id, 'approve')}
              data-testid="admin-approve"
            >
              {t('admin.approve')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => act(m.user.id, 'decline')} data-testid="admin-decline">
              {t('admin.decline')}
            </button>
          </li>
        ))}
      </ul>
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}

function Members({ group }: { group: GroupT }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const list = useMemberList(group.id, 'member');
  const [open, setOpen] = useState<string | null>(null);
  const moderate = useModerate();
  const busy = moderate.isPending;
  const error = moderate.error;
  const iAmOwner = group.me?.role === 'owner';

  const act = (userId: string, body: ModerateBody) =>
    moderate.mutate({ params: { id: group.id, userId }, body }, { onSuccess: () => setOpen(null) });

  return (
    <div className="panel" data-testid="admin-members">
      <h2 className="section-title">{t('admin.members')}</h2>
      {list.items === null && list.error === null && <Loading />}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      <ul className="inbox-list">
        {list.items?.map((m) => {
          const muted = m.mutedUntil && new Date(m.mutedUntil).getTime() > Date.now();
          const canModerate = m.user.id !== me?.id && m.role !== 'owner' && (iAmOwner || m.role === 'member');
          return (
            <li key={m.user.id} className={styles['member-item']} data-testid="admin-member" data-handle={m.user.handle}>
              <div className={styles['member-row']}>
                <Avatar user={m.user} size={36} />
                <span className={styles['member-name']}>
                  {m.user.displayName} {m.role !== 'owner' && <FanBadge level={m.fanLevel} />} <RoleTag role={m.role} />
                  {muted && m.mutedUntil && (
                    <span className="muted small"> · {t('admin.mutedUntil', { time: new Date(m.mutedUntil).toLocaleString(lang) })}</span>
                  )}
                </span>
                {canModerate && (
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    onClick={() => setOpen(open === m.user.id ? null : m.user.id)}
                    aria-expanded={open === m.user.id}
                    data-testid="admin-member-actions"
                  >
                    ⋯
                  </button>
                )}
              </div>
              {open === m.user.id && (
                <div className={styles['member-actions']}>
                  {muted ? (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      disabled={busy}
                      onClick={() => act(m.user.id, { action: 'unmute' })}
                      data-testid="admin-unmute"
                    >
                      {t('admin.unmute')}
                    </button>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        disabled={busy}
                        onClick={() => act(m.user.id, { action: 'mute', minutes: 60 })}
                        data-testid="admin-mute"
                      >
                        {t('admin.mute')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        disabled={busy}
                        onClick={() => act(m.user.id, { action: 'mute', minutes: 60 * 24 })}
                        data-testid="admin-mute-day"
                      >
                        {t('admin.mute1d')}
                      </button>
                    </>
                  )}
                  {iAmOwner && (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      disabled={busy}
                      onClick={() => act(m.user.id, { action: 'set_role', role: m.role === 'admin' ? 'member' : 'admin' })}
                      data-testid="admin-set-role"
                    >
                      {m.role === 'admin' ? t('admin.removeAdmin') : t('admin.makeAdmin')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    disabled={busy}
                    onClick={() => act(m.user.id, { action: 'remove' })}
                    data-testid="admin-remove"
                  >
                    {t('admin.remove')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={busy}
                    onClick={() => act(m.user.id, { action: 'ban' })}
                    data-testid="admin-ban"
                  >
                    {t('admin.ban')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <LoadMore pages={list.pages} testId="admin-members-more" />
      {error !== null && <ErrorMessage error={error} testId="admin-member-error" />}
    </div>
  );
}
