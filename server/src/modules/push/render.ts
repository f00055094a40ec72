import type { AftersalesEventKind, Notification, NotificationPayload, OrderStatus, PushKind, PushMessage } from '@tremolo/protocol';

export type PushLang = 'en' | 'zh-CN';

/** Which switch covers an inbox kind; null: that kind is never pushed (it waits in the inbox). */
export function pushKindOf(p: NotificationPayload): PushKind | null {
  switch (p.kind) {
    case 'dm':
    case 'mention':
      return 'messages';
    case 'room_live':
      return 'lives';
    case 'room_invite':
      return 'stage';
    // The person asked for it and waits for it, like a reply.
    case 'data_export':
      return 'messages';
    case 'order':
    case 'aftersales':
    case 'low_stock':
    case 'review':
      return 'orders';
    // A decision about the person's account reaches them even with the app closed.
    case 'moderation':
      return 'messages';
    default:
      return null;
  }
}

const STATUS: Record<PushLang, Record<OrderStatus, string>> = {
  en: {
    pending_payment: 'awaiting payment',
    paid: 'paid',
    shipped: 'shipped',
    delivered: 'delivered',
    cancelled: 'cancelled',
    refund_requested: 'refund requested',
    refunded: 'refunded',
  },
  'zh-CN': {
    pending_payment: '待付款',
    paid: '已付款',
    shipped: '已发货',
    delivered: '已收货',
    cancelled: '已取消',
    refund_requested: '申请退款中',
    refunded: '已退款',
  },
};

const AFTERSALES: Record<PushLang, Record<AftersalesEventKind, string>> = {
  en: {
    opened: 'New request',
    accepted: 'Accepted',
    declined: 'Declined',
    shipped_back: 'Shipped back',
    received: 'Return received',
    refunded: 'Refunded',
    escalated: 'Sent to moderators',
    decided_refund: 'Moderators refunded it',
    decided_uphold: 'Moderators upheld the decline',
  },
  'zh-CN': {
    opened: '新的售后申请',
    accepted: '已同意',
    declined: '已拒绝',
    shipped_back: '已寄回',
    received: '商家已收货',
    refunded: '已退款',
    escalated: '已提交平台',
    decided_refund: '平台已退款',
    decided_uphold: '平台维持拒绝',
  },
};

/** Notification text never grows past what a lock screen shows. */
function clip(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * The notification a device shows for an inbox item, in the device's language. Only the recipient's
 * own devices get it, and it says no more than their inbox does; a message request from a stranger
 * shows who, not what (it is not a conversation they accepted).
 */
export function renderPush(n: Notification, lang: PushLang, tag: string = n.id): PushMessage | null {
  const p = n.payload;
  const kind = pushKindOf(p);
  if (!kind) return null;
  const zh = lang === 'zh-CN';
  const show = (title: string, body: string, url: string): PushMessage => ({
    type: 'show',
    tag,
    title: clip(title, 80),
    body: clip(body),
    url,
    kind,
  });
  switch (p.kind) {
    case 'dm':
      return p.request
        ? show(p.actor.displayName, zh ? '给你发来一条私信请求' : 'sent you a message request', `/dm/${p.actor.handle}`)
        : show(p.actor.displayName, p.preview || (zh ? '给你分享了内容' : 'shared something with you'), `/dm/${p.actor.handle}`);
    case 'mention':
      return show(
        zh ? `${p.actor.displayName} 在 ${p.groupName} 提到了你` : `${p.actor.displayName} mentioned you in ${p.groupName}`,
        p.preview,
        `/g/${p.groupId}`,
      );
    case 'room_live':
      if (p.reserved)
        return show(
          zh ? `你预约的直播开始了：${p.actor.displayName}` : `${p.actor.displayName} started the room you reserved`,
          p.title,
          `/r/${p.roomId}`,
        );
      return show(zh ? `${p.actor.displayName} 开播了` : `${p.actor.displayName} is live`, p.title, `/r/${p.roomId}`);
    case 'room_invite':
      return show(zh ? `${p.actor.displayName} 邀请你上麦` : `${p.actor.displayName} invites you on stage`, p.title, `/r/${p.roomId}`);
    case 'order':
      return show(zh ? `订单${STATUS[lang][p.status]}` : `Order ${STATUS[lang][p.status]}`, p.title, `/shop/orders/${p.orderId}`);
    case 'low_stock':
      return show(
        zh ? '库存不足' : 'Low stock',
        zh ? `“${p.title}”（${p.sku}）仅剩 ${p.stock} 件` : `“${p.title}” (${p.sku}) has ${p.stock} left`,
        `/shop/seller/products/${p.productId}`,
      );
    case 'aftersales':
      if (p.role === 'moderator') {
        return show(zh ? '售后纠纷待裁决' : 'A dispute waits for you', p.title, '/moderation/queue?tab=aftersales');
      }
      return show(zh ? '售后进度' : 'After-sales', `${AFTERSALES[lang][p.event]} · ${p.title}`, `/shop/orders/${p.orderId}`);
    case 'review':
      return p.role === 'seller'
        ? show(
            zh ? `${p.actor.displayName} 评价了你的商品` : `${p.actor.displayName} reviewed your product`,
            `${'★'.repeat(p.stars)} ${p.title}`,
            `/p/${p.productId}`,
          )
        : show(
            zh ? `${p.actor.displayName} 回复了你的评价` : `${p.actor.displayName} replied to your review`,
            p.title,
            `/p/${p.productId}`,
          );
    case 'moderation':
      return show(
        zh ? '来自管理员的通知' : 'A notice from moderators',
        p.action.startsWith('appeal_')
          ? zh
            ? '你的申诉有结果了'
            : 'Your appeal was decided'
          : zh
            ? '点击查看原因和申诉方式'
            : 'Tap to see why and how to appeal',
        '/me/safety',
      );
    case 'data_export':
      return p.state === 'ready'
        ? show(
            zh ? '你的数据已准备好' : 'Your data is ready',
            zh ? '点击下载你的数据归档' : 'Tap to download your data archive',
            '/me/settings/data',
          )
        : show(zh ? '数据导出失败' : 'Your data export failed', zh ? '请稍后再试' : 'Please try again later', '/me/settings/data');
    default:
      return null;
  }
}

/** A coupon dropped in a fan group I am in: not an inbox item, so it has a tag of its own. */
export function renderCouponDrop(
  drop: { couponId: string; groupId: string; groupName: string; title: string },
  lang: PushLang,
): PushMessage {
  const zh = lang === 'zh-CN';
  return {
    type: 'show',
    tag: `coupon:${drop.couponId}`,
    title: clip(zh ? `${drop.groupName} 发券了` : `Coupon drop in ${drop.groupName}`, 80),
    body: clip(drop.title),
    url: `/g/${drop.groupId}`,
    kind: 'coupons',
  };
}
