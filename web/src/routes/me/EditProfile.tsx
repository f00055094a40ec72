import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Me } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { call, uploadTo } from '../../lib/client.ts';
import type { ErrorOverrides } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { displayNameProblem, linkLabelProblem, linkUrlProblem } from '../../lib/validate.ts';
import styles from './EditProfile.module.css';
import { cx } from '../../lib/cx.ts';

const MAX_LINKS = 5;
const MAX_BIO = 280;

/** Chinese wording for the avatar endpoint's refusals; English shows the server's own sentence. */
const AVATAR_ERRORS: ErrorOverrides = {
  unsupported_media_type: 'avatar.badType',
  unprocessable: 'avatar.unreadable',
  payload_too_large: 'avatar.tooLarge',
};

export function EditProfile() {
  const { t } = useI18n();
  const { me } = useSession();
  if (!me) return null;
  return (
    <section className="stack" data-testid="edit-profile">
      <header className="page-head">
        <Link to="/me" className="back">
          ‹ {t('common.back')}
        </Link>
        <h1>{t('profile.title')}</h1>
      </header>
      <AvatarEditor me={me} />
      <ProfileForm me={me} />
    </section>
  );
}

/** Takes my edited profile everywhere it shows: the session, and cards (mine, with the new name or face). */
function useProfileChanged(): (me: Me) => void {
  const { updateMe } = useSession();
  const queryClient = useQueryClient();
  return (me) => {
    updateMe(me);
    void queryClient.invalidateQueries({ queryKey: keyOf(api.cards.card) });
  };
}

function AvatarEditor({ me }: { me: Me }) {
  const { t } = useI18n();
  const changed = useProfileChanged();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const busy = progress !== null;

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    // Clearing lets the person pick the same file again after fixing it.
    e.target.value = '';
    if (!file) return;
    setError(null);
    setDone(false);
    setProgress(0);
    try {
      changed(await uploadTo(api.accounts.setAvatar, { file, onProgress: setProgress }));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  const remove = async () => {
    setError(null);
    setDone(false);
    setProgress(0);
    try {
      changed(await call(api.accounts.clearAvatar));
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className={cx('panel', styles['avatar-editor'])}>
      <Avatar user={me} size={88} testId="profile-avatar" />
      <div className={styles['avatar-actions']}>
        <input
          ref={input}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          className="visually-hidden"
          onChange={(e) => void onFile(e)}
          data-testid="avatar-input"
          id="avatar-input"
        />
        <button
          type="button"
          className="btn btn-primary btn-small"
          onClick={() => input.current?.click()}
          disabled={busy}
          data-testid="avatar-choose"
        >
          {t('avatar.choose')}
        </button>
        {me.avatarUrl && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => void remove()}
            disabled={busy}
            data-testid="avatar-remove"
          >
            {t('avatar.remove')}
          </button>
        )}
        <p className="muted small">{t('avatar.hint')}</p>
        {progress !== null && (
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
            data-testid="avatar-progress"
          >
            <span style={{ width: `${Math.round(progress * 100)}%` }} />
            <em>{progress >= 1 ? t('avatar.processing') : t('avatar.uploading', { percent: Math.round(progress * 100) })}</em>
          </div>
        )}
        {error !== null && <ErrorMessage error={error} overrides={AVATAR_ERRORS} testId="avatar-error" />}
        {done && (
          <p className="success" role="status" data-testid="avatar-done">
            {t('avatar.done')}
          </p>
        )}
      </div>
    </div>
  );
}

interface LinkDraft {
  key: number;
  label: string;
  url: string;
}

function ProfileForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const changed = useProfileChanged();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [bio, setBio] = useState(me.bio);
  const [discoverable, setDiscoverable] = useState(me.discoverable);
  const nextKey = useRef(me.links.length);
  const [links, setLinks] = useState<LinkDraft[]>(() => me.links.map((l, i) => ({ key: i, label: l.label, url: l.url })));
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useApiMutation(api.accounts.updateMe, {
    onSuccess: (updated) => {
      changed(updated);
      setSaved(true);
      setTouched(false);
    },
  });
  const busy = save.isPending;
  const error = save.error;

  const nameProblem = displayNameProblem(displayName);
  const bioProblem = bio.length > MAX_BIO ? 'validate.bioLength' : null;
  const linkProblems = links.map((l) => ({ label: linkLabelProblem(l.label), url: linkUrlProblem(l.url.trim()) }));
  const invalid = nameProblem !== null || bioProblem !== null || linkProblems.some((p) => p.label || p.url);

  const edit = (key: number, patch: Partial<LinkDraft>) => setLinks((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setSaved(false);
    if (invalid) return;
    save.mutate({
      body: {
        displayName: displayName.trim(),
        bio,
        links: links.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
        // Sent only when changed: the rest of the form is saved as a whole, this setting is a switch.
        ...(discoverable !== me.discoverable ? { discoverable } : {}),
      },
    });
  };

  return (
    <form className="form panel" onSubmit={submit} noValidate data-testid="profile-form">
      <Field
        id="profile-name"
        label={t('auth.displayName')}
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        maxLength={40}
        problem={touched && nameProblem ? t(nameProblem) : null}
        data-testid="profile-name"
      />
      <div className={`field${touched && bioProblem ? ' field-invalid' : ''}`}>
        <label htmlFor="profile-bio">{t('profile.bio')}</label>
        <textarea
          id="profile-bio"
          value={bio}
          onChange={(e) => setBio(e.target.value)}
          rows={3}
          placeholder={t('profile.bioPlaceholder')}
          data-testid="profile-bio"
        />
        <p className={`field-hint ${bio.length > MAX_BIO ? 'field-problem' : 'muted'}`}>
          {bio.length}/{MAX_BIO}
        </p>
      </div>
      <fieldset className={styles['links-editor']}>
        <legend>{t('profile.links', { max: MAX_LINKS })}</legend>
        {links.map((l, i) => {
          const p = linkProblems[i];
          const problem = p ? (p.label ?? p.url) : null;
          return (
            <div className={styles['link-row']} key={l.key} data-testid="profile-link">
              <input
                aria-label={t('profile.linkLabel')}
                placeholder={t('profile.linkLabel')}
                value={l.label}
                maxLength={30}
                onChange={(e) => edit(l.key, { label: e.target.value })}
                aria-invalid={touched && p?.label ? true : undefined}
                data-testid="profile-link-label"
              />
              <input
                aria-label={t('profile.linkUrl')}
                placeholder="https://"
                value={l.url}
                inputMode="url"
                onChange={(e) => edit(l.key, { url: e.target.value })}
                aria-invalid={touched && p?.url ? true : undefined}
                data-testid="profile-link-url"
              />
              <button
                type="button"
                className="btn btn-ghost btn-icon"
                aria-label={t('profile.removeLink')}
                onClick={() => setLinks((ls) => ls.filter((x) => x.key !== l.key))}
              >
                ×
              </button>
              {touched && problem && <p className={cx('field-problem', styles['link-problem'])}>{t(problem)}</p>}
            </div>
          );
        })}
        {links.length < MAX_LINKS && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => setLinks((ls) => [...ls, { key: nextKey.current++, label: '', url: '' }])}
            data-testid="profile-add-link"
          >
            + {t('profile.addLink')}
          </button>
        )}
      </fieldset>
      <label className={styles.check}>
        <input
          type="checkbox"
          checked={discoverable}
          onChange={(e) => setDiscoverable(e.target.checked)}
          aria-describedby="profile-discoverable-hint"
          data-testid="profile-discoverable"
        />
        <span>
          {t('search.discoverable')}
          <span id="profile-discoverable-hint" className="field-hint muted">
            {t('search.discoverableHint')}
          </span>
        </span>
      </label>
      {touched && bioProblem && <p className="field-problem">{t(bioProblem)}</p>}
      {error !== null && <ErrorMessage error={error} testId="profile-error" />}
      {saved && (
        <p className="success" role="status" data-testid="profile-saved">
          {t('profile.saved')}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="profile-save">
        {busy ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}
