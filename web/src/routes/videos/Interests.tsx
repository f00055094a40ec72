import { useState } from 'react';
import * as api from '@tremolo/protocol/api';
import { ErrorMessage } from '../../components/Status.tsx';
import styles from '../../components/video/video.module.css';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { cx } from '../../lib/cx.ts';

/** Topics offered at cold start; the demo videos use the first few. */
const TAGS = [
  'makeup',
  'beauty',
  'cooking',
  'food',
  'tech',
  'unboxing',
  'camera',
  'review',
  'travel',
  'fitness',
  'music',
  'pets',
  'fashion',
  'comedy',
  'dance',
  'daily',
] as const;
type Tag = (typeof TAGS)[number];
const LABELS: Record<Tag, MessageKey> = {
  makeup: 'interests.tag.makeup',
  beauty: 'interests.tag.beauty',
  cooking: 'interests.tag.cooking',
  food: 'interests.tag.food',
  tech: 'interests.tag.tech',
  unboxing: 'interests.tag.unboxing',
  camera: 'interests.tag.camera',
  review: 'interests.tag.review',
  travel: 'interests.tag.travel',
  fitness: 'interests.tag.fitness',
  music: 'interests.tag.music',
  pets: 'interests.tag.pets',
  fashion: 'interests.tag.fashion',
  comedy: 'interests.tag.comedy',
  dance: 'interests.tag.dance',
  daily: 'interests.tag.daily',
};

const askedKey = (userId: string) => `tremolo.interestsAsked.${userId}`;

function wasAsked(userId: string): boolean {
  try {
    return localStorage.getItem(askedKey(userId)) !== null;
  } catch {
    return true;
  }
}

/**
 * Cold start: someone logged in who never picked interests is asked once (per browser).
 * Saving or skipping both end the question.
 */
export function useInterestsPrompt(): { show: boolean; dismiss(): void } {
  const { me } = useSession();
  const userId = me?.id ?? null;
  const [dismissedFor, setDismissedFor] = useState<string | null>(null);
  const ask = userId !== null && dismissedFor !== userId && !wasAsked(userId);
  // The feed works without; better not to nag after an error, so no retry and no error shown.
  const interests = useApiQuery(api.videos.interests, undefined, { enabled: ask, retry: false });

  return {
    show: ask && interests.data?.hashtags.length === 0,
    dismiss: () => {
      setDismissedFor(userId);
      try {
        if (userId) localStorage.setItem(askedKey(userId), '1');
      } catch {
        // Private mode: the question may come back in a later visit.
      }
    },
  };
}

export function InterestsPrompt({ onDone }: { onDone(saved: boolean): void }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<Tag[]>([]);
  const setInterests = useApiMutation(api.videos.setInterests, { invalidates: [api.videos.interests], onSuccess: () => onDone(true) });
  const busy = setInterests.isPending || setInterests.isSuccess;
  const error = setInterests.error;

  const toggle = (tag: Tag) => setPicked((p) => (p.includes(tag) ? p.filter((x) => x !== tag) : [...p, tag]));

  const save = () => {
    if (picked.length === 0) return;
    setInterests.mutate({ body: { hashtags: picked } });
  };

  return (
    <section className={cx('panel', styles.vinterests)} data-testid="interests" aria-labelledby="interests-title">
      <h2 id="interests-title">{t('interests.title')}</h2>
      <p className="muted">{t('interests.lead')}</p>
      <div className={styles.vchips} role="group" aria-label={t('interests.title')}>
        {TAGS.map((tag) => (
          <button
            key={tag}
            type="button"
            aria-pressed={picked.includes(tag)}
            onClick={() => toggle(tag)}
            data-testid="interest-chip"
            data-tag={tag}
          >
            {t(LABELS[tag])}
          </button>
        ))}
      </div>
      {error !== null && <ErrorMessage error={error} testId="interests-error" />}
      <div className="actions-row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || picked.length === 0}
          onClick={save}
          data-testid="interests-save"
        >
          {busy ? t('interests.saving') : picked.length === 0 ? t('interests.pickOne') : t('interests.save')}
        </button>
        <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => onDone(false)} data-testid="interests-skip">
          {t('interests.skip')}
        </button>
      </div>
    </section>
  );
}
