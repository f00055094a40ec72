import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { insertAccounts } from '../realtime/fixtures.ts';

export interface GroupFixture {
  groupId: string;
  channel: string;
  ownerCookie: string;
  ownerId: string;
  members: { id: string; cookie: string }[];
}

/**
 * One fan group with `count` members, written as the rows a real join produces (the schema
 * must exist). The owner is the first account; every other account is a member.
 */
export async function insertGroup(url: string, count: number, opts: { admins?: number } = {}): Promise<GroupFixture> {
  const accounts = await insertAccounts(url, count);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ids = await c.query<{ id: string; handle: string }>(`select id, handle from users where handle like 'bench_fan_%'`);
    const byHandle = new Map(ids.rows.map((r) => [r.handle, r.id]));
    const memberIds = accounts.subscriberCookies.map((_, i) => byHandle.get(`bench_fan_${i}`)!);
    const groupId = randomUUID();
    await c.query(
      `insert into fan_groups (id, owner_id, name, capacity, member_count, join_rule, invite_code) values ($1, $2, 'bench group', $3, $4, 'anyone', $5)`,
      [groupId, accounts.creatorId, count + 10, count + 1, randomUUID()],
    );
    const admins = opts.admins ?? 0;
    await c.query(
      `insert into group_members (group_id, user_id, role, status) select $1, u, r, 'member' from unnest($2::uuid[], $3::text[]) as x(u, r)`,
      [groupId, [accounts.creatorId, ...memberIds], ['owner', ...memberIds.map((_, i) => (i < admins ? 'admin' : 'member'))]],
    );
    return {
      groupId,
      channel: `group:${groupId}`,
      ownerCookie: accounts.creatorCookie,
      ownerId: accounts.creatorId,
      members: memberIds.map((id, i) => ({ id, cookie: accounts.subscriberCookies[i]! })),
    };
  } finally {
    await c.end();
  }
}
