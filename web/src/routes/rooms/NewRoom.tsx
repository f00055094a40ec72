import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { CreateRoomBody, Room, RoomAudience, Video } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { videosApi } from '../../components/video/videoApi.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { COVER_ERRORS, COVER_TYPES, CoverProgress, coverProblem, uploadCover } from './CoverUpload.tsx';
import { cx } from './cx.ts';
import styles from './NewRoom.module.css';

const AUDIENCES: RoomAudience[] = ['public', 'followers', 'friends', 'group'];
/** The cover choice that means "the image I picked" rather than a video id. */
const UPLOAD = 'upload';

/** `/rooms/new`: title, an optional cover (an image I upload or one of my videos), who may enter, now or later. */
export function NewRoom() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [audience, setAudience] = useState<RoomAudience>('public');
  const [groupId, setGroupId] = useState('');
  const [cover, setCover] = useState('');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [at, setAt] = useState('');
  const [videos, setVideos] = useState<Video[]>([]);
  const [busy, setBusy] = useState(false);
  const createRoom = useApiMutation(api.rooms.create, { invalidates: [api.rooms.list] });
  const myGroups = useApiQuery(api.groups.ofCreator, { params: { handle: me?.handle ?? '' } }, { enabled: !!me });
  // Only a group I own can be a room's audience.
  const groups = (myGroups.data?.items ?? []).filter((x) => x.owner.id === me?.id);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** `cover === UPLOAD`: this file is sent once the room exists. */
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [fileProblem, setFileProblem] = useState<MessageKey | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  /** The room was opened but its cover upload failed: the next submit only retries the upload. */
  const [created, setCreated] = useState<Room | null>(null);

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const pickFile = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    // Clearing lets the person pick the same file again after fixing it.
    e.target.value = '';
    if (!f) return;
    const why = coverProblem(f);
    setFileProblem(why);
    setError(null);
    if (why) return;
    setFile(f);
    setPreview(URL.createObjectURL(f));
    setCover(UPLOAD);
  };

  /** Sends the chosen image to the room; on failure the person stays here to pick another or go on. */
  const sendCover = async (room: Room): Promise<boolean> => {
    if (cover !== UPLOAD || !file) return true;
    setProgress(0);
    try {
      await uploadCover(room.id, file, setProgress);
      return true;
    } catch (err) {
      setCreated(room);
      setError(err);
      return false;
    } finally {
      setProgress(null);
    }
  };

  useEffect(() => {
    if (!me) return;
    videosApi.byAuthor(me.handle, null, 20).then(
      (p) => setVideos(p.items.filter((v) => v.posterUrl)),
      () => undefined,
    );
  }, [me]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (created) {
      setBusy(true);
      setError(null);
      if (await sendCover(created)) return void navigate(`/r/${created.id}`);
      return setBusy(false);
    }
    if (cover === UPLOAD && fileProblem) return;
    if (!title.trim()) return setProblem(t('rooms.new.titleRequired'));
    if (audience === 'group' && !groupId) return setProblem(t('rooms.new.groupRequired'));
    let scheduledAt: string | undefined;
    if (when === 'later') {
      const d = new Date(at);
      if (!at || Number.isNaN(d.getTime()) || d.getTime() <= Date.now()) return setProblem(t('rooms.new.whenFuture'));
      scheduledAt = d.toISOString();
    }
    const body: CreateRoomBody = {
      title: title.trim(),
      audience,
      ...(audience === 'group' ? { groupId } : {}),
      ...(cover && cover !== UPLOAD ? { coverVideoId: cover } : {}),
      ...(scheduledAt ? { scheduledAt } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const room = await createRoom.mutateAsync({ body });
      if (!(await sendCover(room))) return setBusy(false);
      void navigate(`/r/${room.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className={`stack ${styles.new}`} data-testid="room-new">
      <header className="page-head">
        <h1>{t('rooms.new.title')}</h1>
        <p className="muted">{t('rooms.new.lead')}</p>
      </header>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          id="room-title"
          label={t('rooms.new.name')}
          value={title}
          maxLength={60}
          onChange={(e) => setTitle(e.currentTarget.value)}
          problem={problem === t('rooms.new.titleRequired') ? problem : null}
          data-testid="room-new-title"
        />

        <fieldset className={styles.choices}>
          <legend>{t('rooms.new.audience')}</legend>
          {AUDIENCES.map((a) => (
            <label key={a} className={cx(styles.choice, audience === a && styles.on)}>
              <input
                type="radio"
                name="audience"
                value={a}
                checked={audience === a}
                disabled={a === 'group' && groups.length === 0}
                onChange={() => setAudience(a)}
                data-testid={`room-audience-${a}`}
              />
              <span>{t(`rooms.audience.${a}`)}</span>
            </label>
          ))}
        </fieldset>
        {audience === 'group' && (
          <label className="field">
            <span>{t('rooms.new.group')}</span>
            <select value={groupId} onChange={(e) => setGroupId(e.currentTarget.value)} data-testid="room-new-group">
              <option value="">—</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        )}

        <fieldset className={styles.choices}>
          <legend>{t('rooms.new.cover')}</legend>
          <div className={styles.covers}>
            <label className={cx(styles.cover, cover === '' && styles.on)}>
              <input type="radio" name="cover" checked={cover === ''} onChange={() => setCover('')} />
              <span className="small">{t('rooms.new.noCover')}</span>
            </label>
            <label className={cx(styles.cover, styles.coverUpload, cover === UPLOAD && styles.on)} data-testid="room-new-cover-upload">
              <input type="file" accept={COVER_TYPES.join(',')} onChange={pickFile} data-testid="room-new-cover-file" />
              {preview ? (
                <img src={preview} alt={t('rooms.cover.alt')} data-testid="room-new-cover-preview" />
              ) : (
                <span className="small">{t('rooms.cover.upload')}</span>
              )}
            </label>
            {videos.map((v) => (
              <label key={v.id} className={cx(styles.cover, cover === v.id && styles.on)}>
                <input type="radio" name="cover" checked={cover === v.id} onChange={() => setCover(v.id)} />
                <img src={v.posterUrl ?? ''} alt={v.caption} />
              </label>
            ))}
          </div>
          <p className="small muted">{t('rooms.cover.hint')}</p>
          {fileProblem && (
            <p className="field-problem" role="alert" data-testid="room-new-cover-problem">
              {t(fileProblem)}
            </p>
          )}
        </fieldset>

        <fieldset className={styles.choices}>
          <legend>{t('rooms.new.when')}</legend>
          <label className={cx(styles.choice, when === 'now' && styles.on)}>
            <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} data-testid="room-when-now" />
            <span>{t('rooms.new.now')}</span>
          </label>
          <label className={cx(styles.choice, when === 'later' && styles.on)}>
            <input type="radio" name="when" checked={when === 'later'} onChange={() => setWhen('later')} data-testid="room-when-later" />
            <span>{t('rooms.new.later')}</span>
          </label>
          {when === 'later' && (
            <input
              type="datetime-local"
              value={at}
              onChange={(e) => setAt(e.currentTarget.value)}
              aria-label={t('rooms.new.when')}
              data-testid="room-new-at"
            />
          )}
        </fieldset>

        {problem && problem !== t('rooms.new.titleRequired') && (
          <p className="field-problem" role="alert" data-testid="room-new-problem">
            {problem}
          </p>
        )}
        {progress !== null && <CoverProgress progress={progress} />}
        {created && (
          <p className="small" role="status" data-testid="room-new-cover-not-saved">
            {t('rooms.cover.notSaved')}
          </p>
        )}
        {error !== null && <ErrorMessage error={error} overrides={created ? COVER_ERRORS : {}} testId="room-new-error" />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="room-new-submit">
          {busy
            ? progress !== null
              ? t('common.working')
              : t('rooms.new.opening')
            : created
              ? t('rooms.cover.retry')
              : when === 'now'
                ? t('rooms.new.goLive')
                : t('rooms.new.schedule')}
        </button>
        {created && (
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={() => void navigate(`/r/${created.id}`)}
            data-testid="room-new-skip-cover"
          >
            {t('rooms.cover.skip')}
          </button>
        )}
      </form>
    </section>
  );
}
