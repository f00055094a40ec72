import type { MessagePreview } from '@tremolo/protocol';
import type { I18n, MessageKey } from '../../lib/i18n.tsx';

const SHARED = {
  video: 'chat.sharedVideo',
  product: 'chat.sharedProduct',
  watch: 'chat.sharedWatch',
  card: 'chat.sharedCard',
  room: 'chat.sharedRoom',
} as const satisfies Record<Exclude<MessagePreview['kind'], 'text' | 'image'>, MessageKey>;

/** A conversation's last message in the reader's language: "[商品] look", "[Image]", "You: hi". */
export function previewText(p: MessagePreview, t: I18n['t']): string {
  const label = p.kind === 'image' ? t('chat.image') : p.kind === 'text' ? '' : `[${t(SHARED[p.kind])}]`;
  const text = [label, p.text].filter(Boolean).join(' ');
  return p.mine ? t('msg.previewMine', { text }) : text;
}
