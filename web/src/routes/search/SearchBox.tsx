import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { keepPreviousData } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Suggestion } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { formatPriceRange } from '../../lib/money.ts';
import { useApiQuery } from '../../lib/queries.ts';
import { useDebounced } from '../../lib/useDebounced.ts';
import { productPath } from '../../components/shop/util.ts';
import { HashtagRow, PersonRow } from './ResultRows.tsx';
import { searchPath } from './searchState.ts';
import { useOpenResult } from './useOpenResult.ts';
import styles from './Search.module.css';

// Long enough that a word typed at normal speed asks once, short enough to feel immediate.
const DEBOUNCE_MS = 180;
const SUGGESTIONS = 8;

export const SearchIcon = () => (
  <svg
    width={18}
    height={18}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2.2}
    strokeLinecap="round"
    aria-hidden="true"
  >
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-3.5-3.5" />
  </svg>
);

/**
 * The one search box at the top of Discover. While the person types, suggestions (people,
 * hashtags, products) come once they pause; Enter or the button searches everything.
 */
export function SearchBox({ initial }: { initial: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [text, setText] = useState(initial);
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const q = useDebounced(text.trim(), DEBOUNCE_MS);
  const opened = useOpenResult(q);
  const suggest = useApiQuery(
    api.search.suggest,
    { query: { q, limit: SUGGESTIONS } },
    // While the next word's suggestions load, the last ones stay (no flicker per key).
    { enabled: open && q.length > 0, placeholderData: keepPreviousData, staleTime: 60_000, retry: false },
  );

  // A recent search or a trending tag tapped below changes the address: the box shows its words.
  useEffect(() => setText(initial), [initial]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const words = text.trim();
    if (!words) return;
    setOpen(false);
    input.current?.blur();
    void navigate(searchPath({ q: words }));
  };

  const items = suggest.data && q.length > 0 ? suggest.data.items : [];
  const showList = open && text.trim().length > 0;

  return (
    <form
      role="search"
      className={styles.box}
      onSubmit={submit}
      // The list stays open while focus moves within the box (to a suggestion); leaving closes it.
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setOpen(false);
      }}
      data-testid="search-box"
    >
      <div className={styles['box-field']}>
        <SearchIcon />
        <input
          ref={input}
          type="search"
          enterKeyHint="search"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
          role="combobox"
          aria-autocomplete="list"
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          aria-controls={showList ? listId : undefined}
          aria-expanded={showList}
          autoComplete="off"
          maxLength={100}
          data-testid="search-input"
        />
        {text && (
          <button
            type="button"
            className={styles['box-clear']}
            onClick={() => {
              setText('');
              input.current?.focus();
            }}
            aria-label={t('search.clearInput')}
            data-testid="search-clear"
          >
            ✕
          </button>
        )}
      </div>
      <button type="submit" className="btn btn-primary btn-small" data-testid="search-submit">
        {t('search.submit')}
      </button>
      {showList && (
        <div className={styles.suggest} id={listId} data-testid="search-suggestions" aria-label={t('search.suggestions')}>
          <button type="submit" className={styles['suggest-query']} data-testid="suggest-search">
            <SearchIcon />
            {t('search.searchFor', { q: text.trim() })}
          </button>
          {items.map((s) => (
            <SuggestionRow key={rowKey(s)} s={s} onOpen={() => opened(s.kind, openId(s))} />
          ))}
          {suggest.isFetching && items.length === 0 && <span className={styles['suggest-wait']} aria-hidden="true" />}
        </div>
      )}
    </form>
  );
}

function rowKey(s: Suggestion): string {
  return `${s.kind}:${openId(s)}`;
}

function openId(s: Suggestion): string {
  return s.kind === 'person' ? s.person.user.id : s.kind === 'hashtag' ? s.hashtag.tag : s.product.id;
}

function SuggestionRow({ s, onOpen }: { s: Suggestion; onOpen: () => void }) {
  const { lang } = useI18n();
  if (s.kind === 'person') return <PersonRow hit={s.person} onOpen={onOpen} compact />;
  if (s.kind === 'hashtag') return <HashtagRow hit={s.hashtag} onOpen={onOpen} compact />;
  const p = s.product;
  return (
    <Link
      to={productPath(p.id, { surface: 'search' })}
      className={`${styles.row} ${styles['row-compact']}`}
      onClick={onOpen}
      data-testid="search-suggest-product"
      data-product-id={p.id}
    >
      <span className={styles.thumb}>{p.imageUrl ? <img src={p.imageUrl} alt="" loading="lazy" /> : null}</span>
      <span className={styles['row-text']}>
        <span className={styles['row-title']}>{p.title}</span>
        <span className="small accent">{formatPriceRange(p.price.min, p.price.max, p.price.currency, lang)}</span>
      </span>
    </Link>
  );
}
