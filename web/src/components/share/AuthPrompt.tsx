import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useI18n } from '../../lib/i18n.tsx';
import { forgetAction, rememberAction, type PendingAction } from '../../lib/pending.ts';
import { useSession } from '../../lib/session.tsx';
import styles from './sheet.module.css';

type Reason = { kind: 'like' } | { kind: 'follow'; name: string } | { kind: 'comment' } | { kind: 'other' };

interface Ask {
  reason: Reason;
  /** Done for them once they have an account. */
  action?: PendingAction | undefined;
  /** Where they come back to (a path of this app); the page they are on when absent. */
  returnTo?: string | undefined;
}

/** True when someone is logged in; else opens the prompt and answers false. */
type RequireLogin = (ask: Ask) => boolean;

const Ctx = createContext<RequireLogin | null>(null);

/**
 * A visitor who taps like, follow or comment gets a sheet to sign up or log in right there,
 * instead of a bare login page: the action is remembered and done once they have an account, and
 * they return to where they were (`next`), not to the top of the feed.
 */
export function AuthPromptProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  const [open, setOpen] = useState<(Ask & { returnTo: string }) | null>(null);
  const require = useCallback<RequireLogin>(
    (ask) => {
      if (me) return true;
      setOpen({ ...ask, returnTo: ask.returnTo ?? location.pathname + location.search });
      return false;
    },
    [me, location.pathname, location.search],
  );
  return (
    <Ctx.Provider value={require}>
      {children}
      {open && <AuthPromptSheet ask={open} onClose={() => setOpen(null)} />}
    </Ctx.Provider>
  );
}

export function useRequireLogin(): RequireLogin {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useRequireLogin needs <AuthPromptProvider>');
  return ctx;
}

function AuthPromptSheet({ ask, onClose }: { ask: Ask & { returnTo: string }; onClose: () => void }) {
  const { t } = useI18n();
  const title = useMemo(() => {
    switch (ask.reason.kind) {
      case 'like':
        return t('visitor.promptLike');
      case 'follow':
        return t('visitor.promptFollow', { name: ask.reason.name });
      case 'comment':
        return t('visitor.promptComment');
      default:
        return t('visitor.promptGeneric');
    }
  }, [ask.reason, t]);
  const next = encodeURIComponent(ask.returnTo);
  const go = () => {
    if (ask.action) rememberAction(ask.action);
    else forgetAction();
    onClose();
  };
  return (
    <div
      className={styles.backdrop}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      role="presentation"
    >
      <section className={`${styles.sheet} ${styles.prompt}`} role="dialog" aria-modal="true" aria-label={title} data-testid="auth-prompt">
        <div className={styles.head}>
          <strong>{title}</strong>
          <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid="auth-prompt-close">
            {t('sheet.close')}
          </button>
        </div>
        <p className="muted">{t('visitor.promptLead')}</p>
        <div className={styles.buttons}>
          <Link to={`/signup?next=${next}`} className="btn btn-primary btn-block" onClick={go} data-testid="auth-prompt-signup">
            {t('visitor.signup')}
          </Link>
          <span className="muted small">{t('visitor.haveAccount')}</span>
          <Link to={`/login?next=${next}`} className="btn btn-ghost btn-block" onClick={go} data-testid="auth-prompt-login">
            {t('visitor.login')}
          </Link>
        </div>
      </section>
    </div>
  );
}
