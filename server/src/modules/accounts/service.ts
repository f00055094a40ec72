import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import type { Me, SignupBody, UpdateProfileBody, UserSummary } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { Coalescer } from '../../platform/coalesce.ts';
import { pgErrorCode, UNIQUE_VIOLATION } from '../../platform/db/client.ts';
import {
  SESSION_COOKIE,
  hashToken,
  newToken,
  readCookie,
  type AuthenticatedUser,
  type SessionResolver,
} from '../../platform/auth/session.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import type { SessionCache } from '../../platform/auth/session-cache.ts';
import { DeviceMarks } from '../../platform/auth/device.ts';
import type { Storage } from '../../platform/storage.ts';
import { intakeImage } from '../../platform/image-intake.ts';
import type { AccountsRepo, SessionWithUser, UserRow } from './repo.ts';
import type { PeopleCache } from './people-cache.ts';
import { AVATAR_IMAGE } from './avatar.ts';
import type { AccountRights } from './rights.ts';

/** A person's stored row, for modules that build their own views of people. */
export type { UserRow };
const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** argon2id with OWASP's recommended minimums; about 20 ms a hash on this machine. */
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Where a login attempt comes from: the network, and the device mark the browser sent. */
export interface LoginClient {
  ip: string;
  deviceMark: string | undefined;
}

export interface AccountsDeps {
  repo: AccountsRepo;
  storage: Storage;
  /** Resolved sessions in memory, and their revocation on every node. */
  sessions: SessionCache;
  /** People's rows in memory, forgotten on every node when one changes. */
  people: PeopleCache;
  opts: { sessionTtlDays: number; maxAvatarBytes: number; limits: Limits };
}

export class AccountsService implements SessionResolver {
  private readonly dummyHash = hash(randomBytes(16).toString('hex'), ARGON2);
  private readonly devices: DeviceMarks;
  private rightsService: AccountRights | undefined;
  /**
   * Sessions not in this node's cache, looked up together: when thousands of sockets connect at
   * once (everyone opening 连线 in the same seconds) each round is one query for up to 500 of them.
   */
  private readonly sessionLoads: Coalescer<string, SessionWithUser>;

  constructor(private readonly deps: AccountsDeps) {
    const { opts } = deps;
    this.devices = new DeviceMarks(opts.limits.config.deviceSecret, opts.sessionTtlDays);
    this.sessionLoads = new Coalescer((hashes) => deps.repo.sessionsWithUsers(hashes, new Date()), { rounds: 4, max: 500 });
  }

  async signup(body: SignupBody, ip: string): Promise<{ user: UserRow; session: NewSession; device: { value: string; expiresAt: Date } }> {
    await this.deps.opts.limits.consume('signupPerIp', ip);
    const user = await this.createUser(body);
    return { user, session: await this.startSession(user.id), device: this.devices.issue(user.id) };
  }

  /** Creates an account without a session (signup, demo data, load tests). */
  async createUser(body: SignupBody & { bio?: string }): Promise<UserRow> {
    const passwordHash = await hash(body.password, ARGON2);
    try {
      const row = await this.deps.repo.insertUser({
        id: newId(),
        handle: body.handle,
        displayName: body.displayName,
        passwordHash,
        bio: body.bio ?? '',
      });
      this.told(row.id);
      return row;
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw new AppError('handle_taken', `@${body.handle} is taken; pick another handle`);
      throw e;
    }
  }

  /**
   * Brute force is stopped per network (all attempts, and failures across accounts) and per
   * (account, network); failures from everywhere only slow the account down, so strangers
   * cannot lock its owner out. A device that logged in to this account before skips both
   * per-account measures: the guesses of others are not its problem.
   */
  async login(
    handle: string,
    password: string,
    client: LoginClient,
  ): Promise<{ user: UserRow; session: NewSession; device: { value: string; expiresAt: Date } }> {
    const account = handle.toLowerCase();
    const limits = this.deps.opts.limits;
    await limits.consume('loginPerIp', client.ip);
    const user = await this.deps.repo.byHandle(account);
    const knownDevice = user !== undefined && this.devices.verify(client.deviceMark) === user.id;
    const pair = `${account}:${client.ip}`;
    // Counted before the password is checked (and given back on success) so parallel guesses
    // cannot all slip through before the first failure is recorded.
    await limits.consume('loginFailsPerNetwork', client.ip);
    if (!knownDevice) {
      await limits.consume('loginFailsPerAccountNetwork', pair).catch(async (e: unknown) => {
        await limits.refund('loginFailsPerNetwork', client.ip);
        throw e;
      });
      await sleep(await this.slowdownMs(account));
    }
    // Verify against a dummy hash when the user is unknown so timing does not reveal which handles exist.
    const ok = await verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !ok) {
      if (!knownDevice) await limits.loginFailsPerAccount.consume(account, 'failed logins');
      throw new AppError('invalid_credentials', 'Wrong handle or password');
    }
    await limits.refund('loginFailsPerNetwork', client.ip);
    await limits.reset('loginFailsPerAccountNetwork', pair);
    // The account-wide count stays: the owner getting in says nothing about the strangers guessing.
    return { user, session: await this.startSession(user.id), device: this.devices.issue(user.id) };
  }

  /** The delay doubles with each recent failure past the free ones, up to the maximum. */
  private async slowdownMs(account: string): Promise<number> {
    const { freeFails, stepMs, maxMs } = this.deps.opts.limits.config.loginSlowdown;
    const over = (await this.deps.opts.limits.loginFailsPerAccount.used(account)) - freeFails;
    return over < 0 ? 0 : Math.min(maxMs, stepMs * 2 ** Math.min(over, 20));
  }

  async startSession(userId: string): Promise<NewSession> {
    const token = newToken();
    const csrfToken = randomBytes(18).toString('base64url');
    const expiresAt = new Date(Date.now() + this.deps.opts.sessionTtlDays * 86_400_000);
    await this.deps.repo.insertSession({ tokenHash: hashToken(token), userId, csrfToken, expiresAt });
    return { token, csrfToken, expiresAt };
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const tokenHash = hashToken(token);
    await this.deps.repo.deleteSession(tokenHash);
    // Answered only once every node has forgotten it: the cookie must not work anywhere after logout.
    await this.deps.sessions.revokeSession(tokenHash);
  }

  async resolve(req: { headers: IncomingMessage['headers'] }): Promise<AuthenticatedUser | null> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token || token.length > 100) return null;
    const tokenHash = hashToken(token);
    return this.deps.sessions.resolve(tokenHash, async () => {
      const row = await this.sessionLoads.get(tokenHash);
      return row ? { user: { id: row.userId, handle: row.handle, csrfToken: row.csrfToken }, expiresAt: row.expiresAt.getTime() } : null;
    });
  }

  /** Privacy settings, data archives and account deletion; attached at register time (they need the job queue). */
  get rights(): AccountRights {
    if (!this.rightsService) throw new Error('account rights are attached at register time');
    return this.rightsService;
  }

  attachRights(rights: AccountRights): void {
    this.rightsService = rights;
  }

  /** The password again, for a grave action (deleting the account); guesses are limited like a password change's. */
  async checkPassword(userId: string, password: string): Promise<void> {
    const user = await this.mustGet(userId);
    await this.deps.opts.limits.consume('passwordFails', userId);
    if (!(await verify(user.passwordHash, password).catch(() => false))) {
      throw new AppError('invalid_credentials', 'Your password is wrong');
    }
    await this.deps.opts.limits.reset('passwordFails', userId);
  }

  /** Changes columns of a person's row the profile form does not (privacy settings); every node forgets the old row. */
  async patchRow(userId: string, patch: Parameters<AccountsRepo['updateUser']>[1]): Promise<UserRow> {
    const u = await this.update(userId, patch);
    if (!u) throw new AppError('not_found', 'Account not found');
    return u;
  }

  /** The row was changed by the account-rights repo (in a transaction of its own): caches and listeners follow. */
  async changedOutside(userId: string): Promise<void> {
    await this.deps.people.changed(userId);
    this.told(userId);
  }

  async changePassword(userId: string, current: string, next: string, keepToken: string): Promise<void> {
    const user = await this.mustGet(userId);
    // Someone holding a stolen session must not be able to guess the password behind it.
    await this.deps.opts.limits.consume('passwordFails', userId);
    if (!(await verify(user.passwordHash, current).catch(() => false))) {
      throw new AppError('invalid_credentials', 'Your current password is wrong');
    }
    await this.deps.opts.limits.reset('passwordFails', userId);
    await this.update(userId, { passwordHash: await hash(next, ARGON2) });
    // Anyone holding an old session of this account is logged out, on every node.
    const keep = hashToken(keepToken);
    await this.deps.repo.deleteSessionsOfUserExcept(userId, keep);
    await this.deps.sessions.revokeUser(userId, keep);
  }

  /** Ends every session of a person on every node (a suspension or ban); answered once every node has forgotten them. */
  async endAllSessions(userId: string): Promise<void> {
    await this.deps.repo.deleteSessionsOfUserExcept(userId, '');
    await this.deps.sessions.revokeUser(userId);
  }

  /** Every change of a person's row goes through here, so no node keeps the old one in memory. */
  private async update(userId: string, patch: Parameters<AccountsRepo['updateUser']>[1]): Promise<UserRow | undefined> {
    const row = await this.deps.repo.updateUser(userId, patch);
    await this.deps.people.changed(userId);
    this.told(userId);
    return row;
  }

  private changeListeners: ((userId: string) => void)[] = [];

  /** Called after a person is created or their row changed (on this node): the search index follows. */
  onChanged(listener: (userId: string) => void): void {
    this.changeListeners.push(listener);
  }

  private told(userId: string): void {
    for (const l of this.changeListeners) l(userId);
  }

  /** People's rows by id (any order), for the search index. */
  rows(ids: string[]): Promise<UserRow[]> {
    return this.deps.repo.byIds(ids);
  }

  /** Ids in id order after `after`, for rebuilding the search index. */
  idsAfter(after: string | null, limit: number): Promise<string[]> {
    return this.deps.repo.idsAfter(after, limit);
  }

  async updateProfile(userId: string, patch: UpdateProfileBody): Promise<UserRow> {
    const u = await this.update(userId, patch);
    if (!u) throw new AppError('not_found', 'Account not found');
    return u;
  }

  async setAvatar(userId: string, bytes: Buffer): Promise<UserRow> {
    const key = `avatars/${userId}-${Date.now().toString(36)}.webp`;
    await intakeImage(this.deps.storage, bytes, AVATAR_IMAGE, { avatar: key });
    const before = await this.mustGet(userId);
    const after = await this.update(userId, { avatarKey: key });
    if (before.avatarKey) await this.deps.storage.remove(before.avatarKey);
    return after!;
  }

  async clearAvatar(userId: string): Promise<UserRow> {
    const before = await this.mustGet(userId);
    const after = await this.update(userId, { avatarKey: null });
    if (before.avatarKey) await this.deps.storage.remove(before.avatarKey);
    return after!;
  }

  async mustGet(userId: string): Promise<UserRow> {
    const u = await this.deps.people.get(userId, () => this.deps.repo.byId(userId));
    if (!u) throw new AppError('not_found', 'Account not found');
    return u;
  }

  async byHandle(handle: string): Promise<UserRow> {
    const u = await this.deps.repo.byHandle(handle);
    if (!u || u.deletedAt) throw new AppError('not_found', `No one is called @${handle}`);
    return u;
  }

  async summaries(ids: string[]): Promise<Map<string, UserSummary>> {
    const rows = await this.deps.repo.byIds(ids);
    return new Map(rows.map((r) => [r.id, this.summary(r)]));
  }

  summary(u: UserRow): UserSummary {
    if (u.deletedAt) return { id: u.id, handle: u.handle, displayName: '', avatarUrl: null, deleted: true };
    return { id: u.id, handle: u.handle, displayName: u.displayName, avatarUrl: u.avatarKey ? this.deps.storage.url(u.avatarKey) : null };
  }

  me(u: UserRow): Me {
    return {
      ...this.summary(u),
      bio: u.bio,
      links: u.links,
      locale: u.locale === 'en' || u.locale === 'zh-CN' ? u.locale : null,
      discoverable: u.discoverable,
      createdAt: u.createdAt.toISOString(),
      deletionDueAt: u.deletionDueAt?.toISOString() ?? null,
    };
  }
}
