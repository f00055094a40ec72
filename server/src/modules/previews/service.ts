import type { CardsService } from '../cards/service.ts';
import type { Rooms } from '../rooms/parts.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideosService } from '../videos/service.ts';
import type { WatchService } from '../watch/service.ts';
import { clip, type LinkPreview } from './head.ts';

export interface PreviewsDeps {
  cards: CardsService;
  videos: VideosService;
  shop: ShopService;
  rooms: Rooms;
  watch: WatchService;
}

type Lang = LinkPreview['lang'];
type Words = Record<'onTremolo' | 'watchWith' | 'watchTogether' | 'room' | 'live' | 'shop' | 'card', string>;

const WORDS: Record<Lang, Words> = {
  en: {
    onTremolo: '{name} (@{handle}) on Tremolo',
    watchWith: 'Watch together with {name}',
    watchTogether: 'Watch together on Tremolo',
    room: 'A chat room hosted by {name}',
    live: 'Live now',
    shop: 'From {name}’s shop on Tremolo',
    card: '{name} (@{handle}) · {followers} followers',
  },
  'zh-CN': {
    onTremolo: '{name}（@{handle}）在颤音',
    watchWith: '和 {name} 一起看',
    watchTogether: '在颤音一起看',
    room: '{name} 的聊天室',
    live: '直播中',
    shop: '来自 {name} 的颤音小店',
    card: '{name}（@{handle}）· {followers} 粉丝',
  },
};

function say(lang: Lang, key: keyof Words, vars: Record<string, string | number> = {}): string {
  return WORDS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** A path whose page may be previewed: the kinds people share and their ids. */
type Shared =
  | { kind: 'video'; id: string }
  | { kind: 'product'; id: string }
  | { kind: 'card'; handle: string }
  | { kind: 'room'; id: string }
  | { kind: 'watch'; id: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PATTERNS: [RegExp, (m: string) => Shared][] = [
  [new RegExp(`^/v/(${UUID})/?$`, 'i'), (id) => ({ kind: 'video', id: id.toLowerCase() })],
  [new RegExp(`^/p/(${UUID})/?$`, 'i'), (id) => ({ kind: 'product', id: id.toLowerCase() })],
  [new RegExp(`^/r/(${UUID})/?$`, 'i'), (id) => ({ kind: 'room', id: id.toLowerCase() })],
  [new RegExp(`^/(?:w|watch)/(${UUID})/?$`, 'i'), (id) => ({ kind: 'watch', id: id.toLowerCase() })],
  [/^\/u\/([a-z0-9_]{1,30})\/?$/i, (handle) => ({ kind: 'card', handle: handle.toLowerCase() })],
];

function sharedOf(pathname: string): Shared | null {
  for (const [re, make] of PATTERNS) {
    const m = re.exec(pathname);
    if (m) return make(m[1]!);
  }
  return null;
}

/**
 * What a shared link's preview says, as a visitor who is not logged in would see it: crawlers
 * carry no session, and a page someone logged in opens needs no preview. Anything that visitor
 * may not see (a private or friends-only video, a party playing one, a followers' room) gives
 * null, and the page keeps the site's own title.
 */
export class PreviewsService {
  constructor(private readonly deps: PreviewsDeps) {}

  async preview(pathname: string, origin: string, lang: Lang): Promise<LinkPreview | null> {
    const shared = sharedOf(pathname);
    if (!shared) return null;
    const abs = (u: string | null) => (u === null ? null : new URL(u, origin).toString());
    const url = `${origin}${pathname}`;
    // Not found, not visible, blocked: all the same to a crawler.
    const quietly = <T>(p: Promise<T>) => p.catch(() => null);
    switch (shared.kind) {
      case 'video': {
        const v = await quietly(this.deps.videos.get(null, shared.id));
        if (!v || v.status !== 'ready') return null;
        const by = say(lang, 'onTremolo', { name: v.author.displayName, handle: v.author.handle });
        return {
          title: clip(v.caption || by, 90),
          description: clip(v.caption ? by : v.author.displayName, 200),
          image: abs(v.posterUrl),
          url,
          type: 'video.other',
          large: true,
          lang,
        };
      }
      case 'product': {
        const [card] = await this.deps.shop.catalog.cards([shared.id]);
        if (!card) return null;
        return {
          title: clip(card.title, 90),
          description: say(lang, 'shop', { name: card.seller.displayName }),
          image: abs(card.imageUrl),
          url,
          type: 'product',
          large: true,
          lang,
        };
      }
      case 'card': {
        const card = await quietly(this.deps.cards.card(shared.handle, null, origin));
        if (!card) return null;
        const { user } = card;
        return {
          title: say(lang, 'onTremolo', { name: user.displayName, handle: user.handle }),
          description: clip(
            user.bio || say(lang, 'card', { name: user.displayName, handle: user.handle, followers: card.counts.followers }),
            200,
          ),
          image: abs(user.avatarUrl),
          url,
          type: 'profile',
          large: false,
          lang,
        };
      }
      case 'room': {
        const room = await quietly(this.deps.rooms.views.preview(null, shared.id));
        if (!room) return null;
        const host = say(lang, 'room', { name: room.host.displayName });
        return {
          title: clip(room.title, 90),
          description: room.status === 'live' ? `${say(lang, 'live')} · ${host}` : host,
          image: abs(room.coverUrl),
          url,
          type: 'website',
          large: room.coverUrl !== room.host.avatarUrl,
          lang,
        };
      }
      case 'watch': {
        const party = await quietly(this.deps.watch.preview(null, shared.id));
        if (!party) return null;
        return {
          title: party.host ? say(lang, 'watchWith', { name: party.host.displayName }) : say(lang, 'watchTogether'),
          description: clip(party.video?.caption || say(lang, 'watchTogether'), 200),
          image: abs(party.video?.posterUrl ?? null),
          url,
          type: 'video.other',
          large: true,
          lang,
        };
      }
    }
  }
}
