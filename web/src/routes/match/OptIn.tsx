import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { MAX_MATCH_INTERESTS, MAX_MATCH_LANGUAGES, type MatchOptIn } from '@tremolo/protocol';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import styles from './OptIn.module.css';

const INTERESTS = ['music', 'games', 'movies', 'anime', 'sports', 'travel', 'food', 'pets', 'books', 'tech', 'art', 'dance'] as const;
const LANGUAGES = ['zh', 'en', 'ja', 'ko', 'es', 'fr'] as const;

/** The rules of 连线, agreed to once. */
export function RulesList() {
  const { t } = useI18n();
  return (
    <ul className={styles.rules}>
      <li>{t('match.rule1')}</li>
      <li>{t('match.rule2')}</li>
      <li>{t('match.rule3')}</li>
      <li>{t('match.rule4')}</li>
    </ul>
  );
}

function TagPicker({
  label,
  options,
  value,
  max,
  onChange,
  testId,
  labels = false,
}: {
  label: MessageKey;
  options: readonly string[];
  value: string[];
  max: number;
  onChange: (v: string[]) => void;
  testId: string;
  labels?: boolean;
}) {
  const { t } = useI18n();
  const name = (o: string): string => {
    if (labels) {
      const k = `match.lang.${o}`;
      return (LANGUAGES as readonly string[]).includes(o) ? t(k as `match.lang.${(typeof LANGUAGES)[number]}`) : o;
    }
    return (INTERESTS as readonly string[]).includes(o) ? t(`match.interest.${o as (typeof INTERESTS)[number]}`) : o;
  };
  const all = [...options, ...value.filter((v) => !options.includes(v))];
  return (
    <fieldset className={styles.tags}>
      <legend>
        {t(label)} <span className="muted small">{t('match.upTo', { max })}</span>
      </legend>
      {all.map((o) => {
        const on = value.includes(o);
        return (
          <button
            key={o}
            type="button"
            className={`pill ${styles.tag}${on ? ` ${styles.on}` : ''}`}
            aria-pressed={on}
            disabled={!on && value.length >= max}
            onClick={() => onChange(on ? value.filter((v) => v !== o) : [...value, o])}
            data-testid={`${testId}-${o}`}
          >
            {name(o)}
          </button>
        );
      })}
    </fieldset>
  );
}

/** Interests and languages, the same pair in the lobby and the opt-in. */
export function PrefsPicker({
  interests,
  languages,
  onInterests,
  onLanguages,
  testId,
}: {
  interests: string[];
  languages: string[];
  onInterests: (v: string[]) => void;
  onLanguages: (v: string[]) => void;
  /** `match` or `match-optin`: the pills are `<testId>-interest-<x>` and `<testId>-language-<x>`. */
  testId: string;
}) {
  return (
    <>
      <TagPicker
        label="match.interests"
        options={INTERESTS}
        value={interests}
        max={MAX_MATCH_INTERESTS}
        onChange={onInterests}
        testId={`${testId}-interest`}
      />
      <TagPicker
        label="match.languages"
        options={LANGUAGES}
        value={languages}
        max={MAX_MATCH_LANGUAGES}
        onChange={onLanguages}
        testId={`${testId}-language`}
        labels
      />
    </>
  );
}

/**
 * Once: confirm 18+ and accept the rules (both stored with the time), with first preferences.
 * `compact` is the same confirmation inside another page (a shake card's video call): no
 * heading, no preferences, and a way back.
 */
export function OptIn({
  onDone,
  moderator,
  compact = false,
  lead = 'match.optInLead',
  submitLabel = 'match.optInSubmit',
  onCancel,
  testId = 'match-optin',
}: {
  onDone: (m: MatchOptIn) => void;
  moderator: boolean;
  compact?: boolean;
  lead?: MessageKey;
  submitLabel?: MessageKey;
  onCancel?: () => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const [adult, setAdult] = useState(false);
  const [rules, setRules] = useState(false);
  const [interests, setInterests] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  const optIn = useApiMutation(api.match.optIn, { onSuccess: onDone });
  const busy = optIn.isPending;
  const error = optIn.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!adult || !rules) return;
    optIn.mutate({ body: { confirmAdult: true, acceptRules: true, interests, languages } });
  };

  return (
    <form className={compact ? 'stack' : `stack ${styles.page}`} onSubmit={submit} data-testid={testId}>
      {compact ? (
        <p className="muted">{t(lead)}</p>
      ) : (
        <header className="page-head">
          <h1>{t('match.title')}</h1>
          <p className="muted">{t(lead)}</p>
        </header>
      )}
      <div className={compact ? 'stack' : 'panel stack'}>
        <h2 className="section-title">{t('match.rulesTitle')}</h2>
        <RulesList />
        <label className={styles.check}>
          <input type="checkbox" checked={adult} onChange={(e) => setAdult(e.target.checked)} data-testid="match-adult" />
          <span>{t('match.confirmAdult')}</span>
        </label>
        <label className={styles.check}>
          <input type="checkbox" checked={rules} onChange={(e) => setRules(e.target.checked)} data-testid="match-rules" />
          <span>{t('match.acceptRules')}</span>
        </label>
      </div>
      {!compact && (
        <PrefsPicker
          interests={interests}
          languages={languages}
          onInterests={setInterests}
          onLanguages={setLanguages}
          testId="match-optin"
        />
      )}
      {error !== null && <ErrorMessage error={error} testId="match-optin-error" />}
      <button type="submit" className="btn btn-primary btn-block" disabled={!adult || !rules || busy} data-testid="match-optin-submit">
        {busy ? t('common.saving') : t(submitLabel)}
      </button>
      {onCancel && (
        <button type="button" className="btn btn-ghost btn-block" onClick={onCancel} disabled={busy} data-testid="match-optin-cancel">
          {t('shake.cancel')}
        </button>
      )}
      {moderator && (
        <Link to="/moderation" className="btn btn-ghost" data-testid="match-to-moderation">
          {t('moderation.title')}
        </Link>
      )}
    </form>
  );
}
