import type { pushEn } from './push.en.ts';

/** The Chinese of `push.en.ts`, key for key. */
export const pushZhCN: Record<keyof typeof pushEn, string> = {
  'push.settings': '通知',
  'push.title': '通知设置',
  'push.device': '本设备的推送通知',
  'push.deviceHint': '应用关闭时也能收到通知。应用在前台打开时不会推送。',
  'push.on': '已开启',
  'push.off': '已关闭',
  'push.turnOn': '开启',
  'push.turnOff': '关闭',
  'push.working': '处理中…',
  'push.unsupported': '此浏览器无法接收推送通知。请安装应用或换一个浏览器。',
  'push.denied': '此网站的通知已被屏蔽。请在浏览器设置中允许后重试。',
  'push.failed': '无法在此开启通知：{reason}',
  'push.kinds': '通知我以下内容',
  'push.kind.messages': '私信和 @提及',
  'push.kind.lives': '我关注的创作者开播',
  'push.kind.stage': '上麦邀请',
  'push.kind.orders': '订单和售后进度',
  'push.kind.coupons': '我的粉丝群发券',
  'push.saved': '已保存',
  'pwa.updateReady': '颤音有新版本。',
  'pwa.update': '重新加载',
  'pwa.later': '稍后',
  'pwa.offlineReady': '颤音现在可以离线打开了。',
};
