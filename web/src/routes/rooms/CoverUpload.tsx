import { useRef, useState, type ChangeEvent } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Room } from '@tremolo/protocol';
import { ErrorMessage } from '../../components/Status.tsx';
import { uploadTo } from '../../lib/client.ts';
import type { ErrorOverrides } from '../../lib/errors.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';

/** What the server accepts (it checks again, by content); checked here to say so before uploading. */
export const COVER_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_COVER_BYTES = 5 * 1024 * 1024;

/** Chinese wording for the cover endpoint's refusals; English shows the server's own sentence. */
export const COVER_ERRORS: ErrorOverrides = {
  unsupported_media_type: 'rooms.cover.badType',
  unprocessable: 'rooms.cover.unreadable',
  payload_too_large: 'rooms.cover.tooLarge',
};

/** Null when the file may be sent; else why not, before any byte leaves the device. */
export function coverProblem(file: File): MessageKey | null {
  if (!COVER_TYPES.includes(file.type)) return 'rooms.cover.badType';
  if (file.size > MAX_COVER_BYTES) return 'rooms.cover.tooLarge';
  return null;
}

export function uploadCover(roomId: string, file: File, onProgress: (fraction: number) => void): Promise<Room> {
  return uploadTo(api.rooms.setCover, { params: { id: roomId }, file, onProgress });
}

export function CoverProgress({ progress }: { progress: number }) {
  const { t } = useI18n();
  const percent = Math.round(progress * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid="room-cover-progress"
    >
      <span style={{ width: `${percent}%` }} />
      <em>{progress >= 1 ? t('rooms.cover.processing') : t('rooms.cover.uploading', { percent })}</em>
    </div>
  );
}

/** The host changes the cover of a room that has not ended (shown before it starts). */
export function CoverEditor({ room, onRoom }: { room: Room; onRoom: (r: Room) => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [done, setDone] = useState(false);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    // Clearing lets the person pick the same file again after fixing it.
    e.target.value = '';
    if (!file) return;
    setError(null);
    setDone(false);
    setProblem(coverProblem(file));
    if (coverProblem(file)) return;
    setProgress(0);
    try {
      onRoom(await uploadCover(room.id, file, setProgress));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="stack">
      <input
        ref={input}
        type="file"
        accept={COVER_TYPES.join(',')}
        className="visually-hidden"
        onChange={(e) => void onFile(e)}
        data-testid="room-cover-input"
      />
      <button
        type="button"
        className="btn btn-small btn-ghost"
        disabled={progress !== null}
        onClick={() => input.current?.click()}
        data-testid="room-cover-change"
      >
        {t('rooms.cover.change')}
      </button>
      <p className="small muted">{t('rooms.cover.hint')}</p>
      {progress !== null && <CoverProgress progress={progress} />}
      {problem && (
        <p className="field-problem" role="alert" data-testid="room-cover-problem">
          {t(problem)}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} overrides={COVER_ERRORS} testId="room-cover-error" />}
      {done && (
        <p className="success" role="status" data-testid="room-cover-done">
          {t('rooms.cover.done')}
        </p>
      )}
    </div>
  );
}
