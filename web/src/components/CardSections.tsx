import type { JSX } from 'react';
import { Link } from 'react-router-dom';
import type { CardSection } from '@tremolo/protocol';
import { cx } from '../lib/cx.ts';
import { useI18n } from '../lib/i18n.tsx';
import liveStyles from './LiveRoomSection.module.css';
import { formatPriceRange } from '../lib/money.ts';
import { productPath } from './shop/util.ts';
import { clock } from './shop/live.ts';
import { StoreScoreBadge } from './shop/Stars.tsx';
import { FanGroupsSection, type CardOwner } from './chat/FanGroupsSection.tsx';

type SectionOf<K extends CardSection['kind']> = Extract<CardSection, { kind: K }>;

/**
 * One renderer per section kind: a new kind (fan group, live now) slots in here. A kind without
 * a renderer yet is left out of the card rather than breaking it.
 */
const RENDERERS: { [K in CardSection['kind']]?: (props: { section: SectionOf<K>; owner: CardOwner }) => JSX.Element } = {
  links: LinksSection,
  showcase: ShowcaseSection,
  fan_groups: FanGroupsSection,
  live_room: LiveRoomSection,
  room_replays: ReplaysSection,
};

/** 回放: the owner's ended rooms with a recording, newest first; each opens the replay. */
function ReplaysSection({ section }: { section: SectionOf<'room_replays'> }) {
  const { t } = useI18n();
  return (
    <section className="card-section" data-testid="card-section-replays">
      <h2 className="section-title">{t('rooms.card.replays')}</h2>
      <ul className={liveStyles.replays}>
        {section.rooms.map((r) => (
          <li key={r.id}>
            <Link to={`/r/${r.id}`} className={liveStyles.liveRoomCard} data-testid="card-replay" data-room={r.id}>
              <span className={liveStyles.replayCover}>
                {r.coverUrl ? (
                  <img src={r.coverUrl} alt="" className={liveStyles.liveRoomCover} />
                ) : (
                  <span className={liveStyles.liveRoomCover} aria-hidden="true" />
                )}
                <span className={liveStyles.duration} data-testid="card-replay-duration">
                  {clock(r.durationSec * 1000)}
                </span>
              </span>
              <span className={liveStyles.liveRoomText}>
                <span className={liveStyles.liveBadge}>{t('rooms.replay.badge')}</span>
                <strong>{r.title}</strong>
                <span className="small muted">{t('rooms.card.replayEnded', { time: new Date(r.endedAt).toLocaleDateString() })}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The owner's friends chat room, live now (or scheduled): one tap enters it. */
function LiveRoomSection({ section }: { section: SectionOf<'live_room'> }) {
  const { t, tn } = useI18n();
  const r = section.room;
  const live = r.status === 'live';
  return (
    <section className="card-section" data-testid="card-section-live-room">
      <Link
        to={`/r/${r.id}`}
        className={cx(liveStyles.liveRoomCard, live && liveStyles.live)}
        data-testid="card-live-room"
        data-room={r.id}
        data-status={r.status}
      >
        {r.coverUrl ? (
          <img src={r.coverUrl} alt="" className={liveStyles.liveRoomCover} />
        ) : (
          <span className={liveStyles.liveRoomCover} aria-hidden="true" />
        )}
        <span className={liveStyles.liveRoomText}>
          <span className={cx(liveStyles.liveBadge, live && liveStyles.on)} data-testid="card-live-badge">
            {live
              ? t('rooms.card.liveNow')
              : t('rooms.card.scheduled', { time: r.scheduledAt ? new Date(r.scheduledAt).toLocaleString() : '' })}
          </span>
          <strong>{r.title}</strong>
          <span className="small muted">{live ? tn('rooms.viewers', r.viewers) : t('rooms.card.enter')}</span>
          {!live && (
            <span className="small" data-testid="card-live-room-reservations" data-count={r.reservations} data-mine={r.reserved}>
              {tn('rooms.reservations', r.reservations)}
              {r.reserved && ` · ${t('rooms.reservedByMe')}`}
            </span>
          )}
        </span>
      </Link>
    </section>
  );
}

function LinksSection({ section }: { section: SectionOf<'links'> }) {
  const { t } = useI18n();
  return (
    <section className="card-section" data-testid="card-section-links">
      <h2 className="section-title">{t('card.links')}</h2>
      <ul className="link-list">
        {section.links.map((l, i) => (
          <li key={`${i}-${l.url}`}>
            <a href={l.url} target="_blank" rel="noopener noreferrer nofollow ugc" className="link-chip">
              <span>{l.label}</span>
              <span className="muted link-host">{hostOf(l.url)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The shop window (橱窗): each tile opens the product page, which records the card as the surface. */
function ShowcaseSection({ section }: { section: SectionOf<'showcase'> }) {
  const { t, tn, lang } = useI18n();
  if (section.products.length === 0) return <></>;
  return (
    <section className="card-section" data-testid="card-section-showcase">
      <h2 className="section-title">
        {t('card.showcase')} <span className="muted small">{tn('card.showcaseTotal', section.total)}</span>
      </h2>
      {section.score && <StoreScoreBadge score={section.score} testId="card-store-score" />}
      <ul className="showcase">
        {section.products.map((p) => (
          <li key={p.id}>
            <Link
              to={productPath(p.id, { surface: 'card', surfaceId: p.seller.id })}
              className="product-tile"
              data-testid="showcase-product"
            >
              {p.imageUrl ? <img src={p.imageUrl} alt="" loading="lazy" /> : <span className="product-placeholder" aria-hidden="true" />}
              <span className="product-title">{p.title}</span>
              <span className="product-price">{formatPriceRange(p.price.min, p.price.max, p.price.currency, lang)}</span>
              {!p.inStock ? (
                <span className="muted small">{t('card.soldOut')}</span>
              ) : (
                p.stock <= 5 && <span className="small accent">{t('card.fewLeft', { count: p.stock })}</span>
              )}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function Section<K extends CardSection['kind']>({ section, owner }: { section: SectionOf<K>; owner: CardOwner }) {
  // The map is keyed by kind, but TypeScript cannot tie the looked-up renderer to K without this.
  const Render = RENDERERS[section.kind] as ((props: { section: SectionOf<K>; owner: CardOwner }) => JSX.Element) | undefined;
  return Render ? <Render section={section} owner={owner} /> : null;
}

export function CardSections({ sections, owner }: { sections: CardSection[]; owner: CardOwner }) {
  return (
    <>
      {sections.map((s, i) => (
        <Section key={`${s.kind}-${i}`} section={s} owner={owner} />
      ))}
    </>
  );
}
