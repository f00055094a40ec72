import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../../app.ts';

/** An active fan group for the demo creator: members, an announcement and some chat. */
export async function seedDemoGroups(app: Pick<App, 'services' | 'gateway'>, log: FastifyBaseLogger): Promise<void> {
  const { accounts, groups } = app.services;
  const lina = await accounts.byHandle('lina_beauty').catch(() => null);
  if (!lina || (await groups.ofCreator(null, lina.id)).length > 0) return;
  const group = await groups.create(lina.id, {
    name: '琳娜的美妆小站 Lina’s beauty club',
    description: 'New looks first, group-only coupons, and Q&A every Friday.',
    capacity: 500,
    joinRule: 'followers',
  });
  const members = await Promise.all(['mia_fan', 'xiaoyu', 'chef_wang'].map((h) => accounts.byHandle(h)));
  for (const m of members) await groups.join(m.id, group.id, group.inviteCode ?? undefined);
  await groups.update(lina.id, group.id, { announcement: '周五晚 8 点直播，群内专享券！Friday 8pm live, group-only coupons.' });
  const lines: [string, string][] = [
    [lina.id, '欢迎来到小站！Welcome, everyone 💄'],
    [members[0]!.id, 'The new lip tint is so good 😍'],
    [members[1]!.id, '求推荐适合学生的粉底～'],
    [lina.id, '@小雨 I will do a video on budget foundations this week!'],
  ];
  for (const [i, [from, text]] of lines.entries()) {
    await app.gateway.publish(group.channel, { kind: 'chat', text, fanLevel: 1 }, { senderId: from, clientId: `${from}:demo-${i}` });
  }
  log.info({ group: group.id }, 'demo fan group ready');
}
