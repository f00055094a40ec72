import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { UserList } from '../../components/UserList.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useInbox } from '../../lib/inbox.tsx';
import { useSession } from '../../lib/session.tsx';

/** My friends: people I follow who follow me back. Refreshes when someone becomes a friend. */
export function Friends() {
  const { t } = useI18n();
  const { me } = useSession();
  const { onLive } = useInbox();
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(
    () =>
      onLive((n) => {
        if (n.payload.kind === 'friended') setReloadKey((k) => k + 1);
      }),
    [onLive],
  );

  if (!me) return null;
  return (
    <section className="stack" data-testid="friends-page">
      <header className="page-head">
        <h1>{t('friends.title')}</h1>
        <p className="muted">{t('friends.lead')}</p>
      </header>
      <UserList
        handle={me.handle}
        direction="friends"
        reloadKey={reloadKey}
        empty={
          <>
            <p>{t('friends.empty')}</p>
            <Link to="/" className="btn btn-primary">
              {t('friends.findPeople')}
            </Link>
          </>
        }
      />
    </section>
  );
}
