import { ReportSheet } from '../ReportSheet.tsx';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Comment, Video } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { RichText } from '../RichText.tsx';
import { ErrorMessage } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { pagesKeyOf, useApiMutation, useApiPages, type Pages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';
import { useRequireLogin } from '../share/AuthPrompt.tsx';
import { editVideo } from './videoCache.ts';
import { cx } from '../../lib/cx.ts';
import styles from './video.module.css';

const LIMIT = 20;
/** The arguments of one thread's pages: the top-level comments, or the replies under `parentId`. */
const threadArgs = (id: string, parentId: string | null) => ({
  params: { id },
  query: { limit: LIMIT, ...(parentId ? { parentId } : {}) },
});

/** Appends `c` to the last cached page of a thread; a thread not read yet starts with it. */
function appendTo(prev: Pages<Comment> | undefined, c: Comment): Pages<Comment> {
  if (!prev) return { pages: [{ items: [c], nextCursor: null }], pageParams: [null] };
  const pages = prev.pages.map((p, i) => (i === prev.pages.length - 1 ? { ...p, items: [...p.items, c] } : p));
  return { ...prev, pages };
}

/** The comments of a video in a bottom sheet: newest first, replies one level deep under each. */
export function CommentsSheet({ video, onClose }: { video: Video; onClose(): void }) {
  const { t, tn } = useI18n();
  const { me } = useSession();
  const askLogin = useRequireLogin();
  const client = useQueryClient();
  const top = useApiPages(api.videos.comments, threadArgs(video.id, null));
  const items = top.data?.pages.flatMap((p) => p.items) ?? [];
  const loading = top.isPending || top.isFetchingNextPage;
  // Threads whose replies are shown; their pages are in the cache.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [replyTo, setReplyTo] = useState<Comment | null>(null);
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const posting = useApiMutation(api.videos.comment, {
    onSuccess: (c) => {
      setText('');
      setReplyTo(null);
      if (c.parentId) {
        const parentId = c.parentId;
        client.setQueryData<Pages<Comment>>(
          pagesKeyOf(api.videos.comments, threadArgs(video.id, null)),
          (prev) =>
            prev && {
              ...prev,
              pages: prev.pages.map((p) => ({
                ...p,
                items: p.items.map((x) => (x.id === parentId ? { ...x, replies: x.replies + 1 } : x)),
              })),
            },
        );
        client.setQueryData<Pages<Comment>>(pagesKeyOf(api.videos.comments, threadArgs(video.id, parentId)), (prev) => appendTo(prev, c));
        setOpen((o) => new Set(o).add(parentId));
      } else {
        client.setQueryData<Pages<Comment>>(pagesKeyOf(api.videos.comments, threadArgs(video.id, null)), (prev) =>
          prev?.pages[0] ? { ...prev, pages: [{ ...prev.pages[0], items: [c, ...prev.pages[0].items] }, ...prev.pages.slice(1)] } : prev,
        );
      }
      editVideo(client, video.id, (v) => ({ ...v, comments: v.comments + 1 }));
    },
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const hideReplies = (id: string) => {
    setOpen((o) => {
      const next = new Set(o);
      next.delete(id);
      return next;
    });
    // Shown again, they are read again from the start.
    client.removeQueries({ queryKey: pagesKeyOf(api.videos.comments, threadArgs(video.id, id)), exact: true });
  };

  const send = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || posting.isPending) return;
    posting.mutate({ params: { id: video.id }, body: replyTo ? { text: body, parentId: replyTo.id } : { text: body } });
  };

  const startReply = (c: Comment) => {
    setReplyTo(c);
    input.current?.focus();
  };

  return (
    // A tap outside the sheet closes it, as does Escape; the sheet itself is the dialog.
    <div
      className={styles['vsheet-backdrop']}
      role="presentation"
      onClick={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      data-testid="comments-backdrop"
    >
      <section className={styles.vsheet} role="dialog" aria-label={t('comments.title')} data-testid="comments-sheet">
        <header className={styles['vsheet-head']}>
          <strong data-testid="comments-count">{tn('comments.count', video.comments)}</strong>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={onClose}
            data-testid="comments-close"
            aria-label={t('comments.close')}
          >
            ✕
          </button>
        </header>
        <div className={styles['vsheet-body']}>
          {top.isSuccess && items.length === 0 && !top.isFetching && <p className="empty">{t('comments.empty')}</p>}
          <ul className={styles.vcomments} data-testid="comments-list">
            {items.map((c) => (
              <li key={c.id} data-testid="comment" data-comment-id={c.id}>
                <CommentRow comment={c} onReply={me ? () => startReply(c) : undefined} />
                <Replies
                  video={video}
                  parent={c}
                  open={open.has(c.id)}
                  onShow={() => setOpen((o) => new Set(o).add(c.id))}
                  onHide={() => hideReplies(c.id)}
                  onReply={me ? () => startReply(c) : undefined}
                />
              </li>
            ))}
          </ul>
          {loading && (
            <div className="loading" role="status">
              <span className="spinner" aria-hidden="true" />
              {t('common.loading')}
            </div>
          )}
          {top.error !== null && (
            <ErrorMessage error={top.error} onRetry={() => void (top.data ? top.fetchNextPage() : top.refetch())} testId="comments-error" />
          )}
          {top.hasNextPage && !loading && !top.error && (
            <button
              type="button"
              className="btn btn-ghost btn-small btn-block"
              onClick={() => void top.fetchNextPage()}
              data-testid="comments-more"
            >
              {t('comments.more')}
            </button>
          )}
        </div>
        <footer className={styles['vsheet-foot']}>
          {me ? (
            <form onSubmit={send} className={styles.vcompose} data-testid="comment-form">
              {replyTo && (
                <button
                  type="button"
                  className={styles.vreplying}
                  onClick={() => setReplyTo(null)}
                  data-testid="comment-cancel-reply"
                  aria-label={t('comments.cancelReply')}
                >
                  ↳ {replyTo.author.displayName} ✕
                </button>
              )}
              <div className={styles['vcompose-row']}>
                <input
                  ref={input}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  maxLength={500}
                  placeholder={replyTo ? t('comments.replyPlaceholder', { name: replyTo.author.displayName }) : t('comments.placeholder')}
                  data-testid="comment-input"
                  aria-label={t('comments.placeholder')}
                />
                <button
                  type="submit"
                  className="btn btn-primary btn-small"
                  disabled={posting.isPending || text.trim() === ''}
                  data-testid="comment-send"
                >
                  {t('comments.send')}
                </button>
              </div>
              {posting.error !== null && <ErrorMessage error={posting.error} testId="comment-error" />}
            </form>
          ) : (
            <button
              type="button"
              onClick={() => askLogin({ reason: { kind: 'comment' }, returnTo: `/v/${video.id}` })}
              className="btn btn-primary btn-block"
              data-testid="comment-login"
            >
              {t('comments.loginToComment')}
            </button>
          )}
        </footer>
      </section>
    </div>
  );
}

/**
 * The replies under one comment, a page at a time once shown. A reply just posted shows at once
 * (its thread's cache starts with it); "show replies" then reads the thread from the server.
 */
function Replies({
  video,
  parent,
  open,
  onShow,
  onHide,
  onReply,
}: {
  video: Video;
  parent: Comment;
  open: boolean;
  onShow(): void;
  onHide(): void;
  onReply?: () => void;
}) {
  const { t, tn } = useI18n();
  const thread = useApiPages(api.videos.comments, threadArgs(video.id, parent.id), { enabled: open });
  const seen = new Set<string>();
  const items = open ? (thread.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => !seen.has(c.id) && (seen.add(c.id), true)) : [];
  const shown = items.length;
  const loading = open && (thread.isPending || thread.isFetching);
  const more = () => {
    if (!open) onShow();
    else if (thread.hasNextPage) void thread.fetchNextPage();
    // Only the reply just posted is here: read the thread from its start.
    else void thread.refetch();
  };
  return (
    <>
      {items.length > 0 && (
        <ul className={styles.vreplies} data-testid="replies">
          {items.map((r) => (
            <li key={r.id} data-testid="reply">
              <CommentRow comment={r} onReply={onReply} small />
            </li>
          ))}
        </ul>
      )}
      {open && thread.error !== null && <ErrorMessage error={thread.error} onRetry={more} />}
      {(parent.replies > shown || (open && thread.hasNextPage)) && (
        <button type="button" className={styles.vlink} disabled={loading} onClick={more} data-testid="comment-show-replies">
          {tn('comments.showReplies', parent.replies - shown)}
        </button>
      )}
      {open && shown > 0 && parent.replies <= shown && !thread.hasNextPage && (
        <button type="button" className={styles.vlink} onClick={onHide} data-testid="comment-hide-replies">
          {t('comments.hideReplies')}
        </button>
      )}
    </>
  );
}

function CommentRow({ comment, onReply, small = false }: { comment: Comment; onReply?: () => void; small?: boolean }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [reporting, setReporting] = useState(false);
  return (
    <div className={cx(styles.vcomment, small && styles['vcomment-small'])}>
      {comment.author.deleted ? (
        <Avatar user={comment.author} size={small ? 26 : 34} />
      ) : (
        <Link to={`/u/${comment.author.handle}`}>
          <Avatar user={comment.author} size={small ? 26 : 34} />
        </Link>
      )}
      <div className={styles['vcomment-body']}>
        <span className="muted small">{comment.author.deleted ? t('rights.deletedUser') : comment.author.displayName}</span>
        {comment.removed ? (
          <p className="muted" data-testid="comment-removed">
            <em>{t('rights.commentRemoved')}</em>
          </p>
        ) : (
          <p data-testid="comment-text">
            <RichText text={comment.text} linkClassName={styles['vcomment-link']} />
          </p>
        )}
        <span className="muted small">
          {timeAgo(comment.createdAt, lang)}
          {onReply && (
            <button type="button" className={styles.vlink} onClick={onReply} data-testid="comment-reply">
              {t('comments.reply')}
            </button>
          )}
          {me && me.id !== comment.author.id && (
            <button type="button" className={styles.vlink} onClick={() => setReporting(true)} data-testid="comment-report">
              {t('report.action')}
            </button>
          )}
        </span>
        {reporting && <ReportSheet surface="comment" targetId={comment.id} onClose={() => setReporting(false)} />}
      </div>
    </div>
  );
}
