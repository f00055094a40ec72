import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { Comment, Video } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { ErrorMessage } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';
import { videosApi } from './videoApi.ts';
import './video.css';

interface Thread {
  items: Comment[];
  cursor: string | null;
  loading: boolean;
  error: unknown;
}
const emptyThread: Thread = { items: [], cursor: null, loading: false, error: null };

/** The comments of a video in a bottom sheet: newest first, replies one level deep under each. */
export function CommentsSheet({ video, onClose, onCount }: { video: Video; onClose(): void; onCount(n: number): void }) {
  const { t, tn } = useI18n();
  const { me } = useSession();
  const location = useLocation();
  const [top, setTop] = useState<Thread>({ ...emptyThread, loading: true });
  const [replies, setReplies] = useState<Record<string, Thread>>({});
  const [replyTo, setReplyTo] = useState<Comment | null>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const count = useRef(video.comments);

  const load = useCallback(
    async (cursor: string | null) => {
      setTop((s) => ({ ...s, loading: true, error: null }));
      try {
        const p = await videosApi.comments(video.id, null, cursor);
        setTop((s) => ({ items: cursor ? [...s.items, ...p.items] : p.items, cursor: p.nextCursor, loading: false, error: null }));
      } catch (e) {
        setTop((s) => ({ ...s, loading: false, error: e }));
      }
    },
    [video.id],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const loadReplies = async (parent: Comment, cursor: string | null) => {
    setReplies((r) => ({ ...r, [parent.id]: { ...(r[parent.id] ?? emptyThread), loading: true, error: null } }));
    try {
      const p = await videosApi.comments(video.id, parent.id, cursor);
      setReplies((r) => {
        const prev = r[parent.id] ?? emptyThread;
        const known = new Set(prev.items.map((c) => c.id));
        return {
          ...r,
          [parent.id]: {
            items: [...prev.items, ...p.items.filter((c) => !known.has(c.id))],
            cursor: p.nextCursor,
            loading: false,
            error: null,
          },
        };
      });
    } catch (e) {
      setReplies((r) => ({ ...r, [parent.id]: { ...(r[parent.id] ?? emptyThread), loading: false, error: e } }));
    }
  };

  const hideReplies = (id: string) =>
    setReplies((r) => {
      const next = { ...r };
      delete next[id];
      return next;
    });

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    setSendError(null);
    try {
      const c = await videosApi.comment(video.id, body, replyTo?.id ?? null);
      setText('');
      if (c.parentId) {
        const parentId = c.parentId;
        setTop((s) => ({ ...s, items: s.items.map((p) => (p.id === parentId ? { ...p, replies: p.replies + 1 } : p)) }));
        setReplies((r) => ({ ...r, [parentId]: { ...(r[parentId] ?? emptyThread), items: [...(r[parentId]?.items ?? []), c] } }));
      } else {
        setTop((s) => ({ ...s, items: [c, ...s.items] }));
      }
      setReplyTo(null);
      count.current += 1;
      onCount(count.current);
    } catch (err) {
      setSendError(err);
    } finally {
      setSending(false);
    }
  };

  const startReply = (c: Comment) => {
    setReplyTo(c);
    input.current?.focus();
  };

  return (
    // A tap outside the sheet closes it, as does Escape; the sheet itself is the dialog.
    <div
      className="vsheet-backdrop"
      role="presentation"
      onClick={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      data-testid="comments-backdrop"
    >
      <section className="vsheet" role="dialog" aria-label={t('comments.title')} data-testid="comments-sheet">
        <header className="vsheet-head">
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
        <div className="vsheet-body">
          {top.items.length === 0 && !top.loading && top.error === null && <p className="empty">{t('comments.empty')}</p>}
          <ul className="vcomments" data-testid="comments-list">
            {top.items.map((c) => {
              const thread = replies[c.id];
              const shown = thread?.items.length ?? 0;
              return (
                <li key={c.id} data-testid="comment" data-comment-id={c.id}>
                  <CommentRow comment={c} onReply={me ? () => startReply(c) : undefined} />
                  {thread && thread.items.length > 0 && (
                    <ul className="vreplies" data-testid="replies">
                      {thread.items.map((r) => (
                        <li key={r.id} data-testid="reply">
                          <CommentRow comment={r} onReply={me ? () => startReply(c) : undefined} small />
                        </li>
                      ))}
                    </ul>
                  )}
                  {thread?.error !== undefined && thread.error !== null && (
                    <ErrorMessage error={thread.error} onRetry={() => void loadReplies(c, thread.cursor)} />
                  )}
                  {(c.replies > shown || thread?.cursor) && (
                    <button
                      type="button"
                      className="vlink"
                      disabled={thread?.loading}
                      onClick={() => void loadReplies(c, thread?.cursor ?? null)}
                      data-testid="comment-show-replies"
                    >
                      {tn('comments.showReplies', c.replies - shown)}
                    </button>
                  )}
                  {thread && shown > 0 && c.replies <= shown && !thread.cursor && (
                    <button type="button" className="vlink" onClick={() => hideReplies(c.id)} data-testid="comment-hide-replies">
                      {t('comments.hideReplies')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {top.loading && (
            <div className="loading" role="status">
              <span className="spinner" aria-hidden="true" />
              {t('common.loading')}
            </div>
          )}
          {top.error !== null && <ErrorMessage error={top.error} onRetry={() => void load(top.cursor)} testId="comments-error" />}
          {top.cursor && !top.loading && (
            <button
              type="button"
              className="btn btn-ghost btn-small btn-block"
              onClick={() => void load(top.cursor)}
              data-testid="comments-more"
            >
              {t('comments.more')}
            </button>
          )}
        </div>
        <footer className="vsheet-foot">
          {me ? (
            <form onSubmit={(e) => void send(e)} className="vcompose" data-testid="comment-form">
              {replyTo && (
                <button
                  type="button"
                  className="vreplying"
                  onClick={() => setReplyTo(null)}
                  data-testid="comment-cancel-reply"
                  aria-label={t('comments.cancelReply')}
                >
                  ↳ {replyTo.author.displayName} ✕
                </button>
              )}
              <div className="vcompose-row">
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
                  disabled={sending || text.trim() === ''}
                  data-testid="comment-send"
                >
                  {t('comments.send')}
                </button>
              </div>
              {sendError !== null && <ErrorMessage error={sendError} testId="comment-error" />}
            </form>
          ) : (
            <Link
              to={`/login?next=${encodeURIComponent(location.pathname)}`}
              className="btn btn-primary btn-block"
              data-testid="comment-login"
            >
              {t('comments.loginToComment')}
            </Link>
          )}
        </footer>
      </section>
    </div>
  );
}

function CommentRow({ comment, onReply, small = false }: { comment: Comment; onReply?: () => void; small?: boolean }) {
  const { t, lang } = useI18n();
  return (
    <div className={`vcomment${small ? ' vcomment-small' : ''}`}>
      <Link to={`/u/${comment.author.handle}`}>
        <Avatar user={comment.author} size={small ? 26 : 34} />
      </Link>
      <div className="vcomment-body">
        <span className="muted small">{comment.author.displayName}</span>
        <p data-testid="comment-text">{comment.text}</p>
        <span className="muted small">
          {timeAgo(comment.createdAt, lang)}
          {onReply && (
            <button type="button" className="vlink" onClick={onReply} data-testid="comment-reply">
              {t('comments.reply')}
            </button>
          )}
        </span>
      </div>
    </div>
  );
}
