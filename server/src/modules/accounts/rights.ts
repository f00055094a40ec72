import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Audience, DataExport, DataExportStatus, NotificationPayload, PrivacyBody, PrivacySettings } from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobKind, Jobs } from '../../platform/jobs/jobs.ts';
import type { EventStore } from '../../platform/realtime/store.ts';
import type { PrivateFiles, PublicFiles } from '../../platform/storage.ts';
import type { Config } from '../../platform/config.ts';
import { ZipFile, type ArchiveWriter } from './archive.ts';
import type { RightsRepo, ExportRow } from './rights-repo.ts';
import type { Me, UserSummary } from '@tremolo/protocol';
import type { AccountsRepo, UserRow } from './repo.ts';

/** What the rights need of the accounts service (an interface, so the two files do not import each other). */
interface RightsAccounts {
  mustGet(userId: string): Promise<UserRow>;
  rows(ids: string[]): Promise<UserRow[]>;
  summaries(ids: string[]): Promise<Map<string, UserSummary>>;
  me(u: UserRow): Me;
  patchRow(userId: string, patch: Parameters<AccountsRepo['updateUser']>[1]): Promise<UserRow>;
  checkPassword(userId: string, password: string): Promise<void>;
  changedOutside(userId: string): Promise<void>;
  endAllSessions(userId: string): Promise<void>;
}

/**
 * A module's share of a person's data. `export` adds it to their archive; `erase` removes or
 * anonymises it when the account is deleted. `erase` may run again (a retried job), so it must
 * be idempotent; it runs after the person's row became a tombstone and their sessions ended.
 */
export interface AccountDataPart {
  name: string;
  export?(userId: string, archive: ArchiveWriter): Promise<void>;
  erase?(userId: string): Promise<void>;
}

/** Whether one person follows another: the graph module answers (accounts cannot depend on it). */
export type FollowsCheck = (followerId: string, followeeId: string) => Promise<boolean>;
export type Notify = (userId: string, payload: NotificationPayload) => Promise<unknown>;
type Log = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

const exportKind: JobKind<{ exportId: string }> = {
  name: 'account-export',
  payload: z.object({ exportId: z.string() }),
  retries: 2,
  retryDelaySec: 30,
  timeoutSec: 1800,
};

/** `at`: the sweep's time, by which the deletion was due; a deletion cancelled or moved since does not run. */
const deleteKind: JobKind<{ userId: string; at: string }> = {
  name: 'account-delete',
  payload: z.object({ userId: z.string(), at: z.string() }),
  retries: 5,
  retryDelaySec: 60,
  timeoutSec: 1800,
  keyed: true,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RightsDeps {
  repo: RightsRepo;
  accounts: RightsAccounts;
  jobs: Jobs;
  /** Private storage: archives live here and leave only through the owner's download. */
  files: PrivateFiles;
  /** Public storage (the avatar). */
  storage: PublicFiles;
  /** What a person sent on durable channels (DMs, groups): archived, and redacted in groups on deletion. */
  store: Pick<EventStore, 'sentBy' | 'redactAllBy'>;
  opts: Config['accountRights'];
  log: Log;
}

/**
 * A person's rights over their account: privacy settings (and who may reach them), the archive
 * of their data, and the deletion of their account. The lifecycle of a deletion:
 * asked (password again) → every session ends, `deletion_due_at` = now + grace → logging in
 * during the grace period shows it and may cancel → due: the sweep enqueues one keyed job, which
 * turns the row into a tombstone and ends sessions in one transaction (only if still due, so a
 * cancel that came first wins), revokes sessions on every node, then asks each module to erase
 * its share. Orders stay (the seller needs them), attached to the tombstone.
 */
export class AccountRights {
  private readonly parts: AccountDataPart[] = [];
  private follows: FollowsCheck = async () => false;
  private notify: Notify = async () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: RightsDeps) {
    deps.jobs.work(exportKind, {
      run: async ({ exportId }) => this.buildArchive(exportId),
      failed: async ({ exportId }, error) => this.archiveFailed(exportId, error),
    });
    deps.jobs.work(deleteKind, {
      run: async ({ userId, at }) => this.deleteNow(userId, new Date(at)),
      failed: async ({ userId }, error) => deps.log.error({ userId, error }, 'account deletion failed; the next sweep tries again'),
    });
    this.addPart({
      name: 'accounts',
      export: (userId, archive) => this.exportProfile(userId, archive),
      erase: async (userId) => {
        for (const key of await deps.repo.exportKeysOf(userId)) await deps.files.remove(key);
        await deps.repo.deleteExportsOf(userId);
        // Group messages go; DMs stay for the other person, from "deleted user".
        await deps.store.redactAllBy(userId, 'group');
      },
    });
  }

  /** Modules add their share of a person's data at register time; exported and erased in this order. */
  addPart(part: AccountDataPart): void {
    this.parts.push(part);
  }

  useFollows(check: FollowsCheck): void {
    this.follows = check;
  }

  useNotify(notify: Notify): void {
    this.notify = notify;
  }

  // ---- privacy ----------------------------------------------------------------------------

  async privacy(userId: string): Promise<PrivacySettings> {
    return privacyOf(await this.deps.accounts.mustGet(userId));
  }

  async setPrivacy(userId: string, body: PrivacyBody): Promise<PrivacySettings> {
    const row = await this.deps.accounts.patchRow(userId, {
      dmPolicy: body.messages,
      invitePolicy: body.invites,
      likesVisible: body.likesVisible,
      discoverable: body.discoverable,
    });
    return privacyOf(row);
  }

  /**
   * Refuses (403 with its own code) when `toId`'s settings keep `fromId` out: messages
   * (`dm_not_allowed`) or room and watch-party invitations (`invite_not_allowed`).
   */
  async assertMayReach(fromId: string, toId: string, what: 'messages' | 'invites'): Promise<void> {
    if (fromId === toId) return;
    const to = await this.deps.accounts.mustGet(toId);
    const audience = what === 'messages' ? to.dmPolicy : to.invitePolicy;
    if (await this.admits(audience, toId, fromId)) return;
    const who = audience === 'friends' ? 'friends' : 'people they follow';
    if (what === 'messages') throw new AppError('dm_not_allowed', `@${to.handle} only takes messages from ${who}`);
    throw new AppError('invite_not_allowed', `@${to.handle} only takes invitations from ${who}`);
  }

  private async admits(audience: Audience, ownerId: string, otherId: string): Promise<boolean> {
    if (audience === 'everyone') return true;
    if (!(await this.follows(ownerId, otherId))) return false;
    return audience === 'following' || (await this.follows(otherId, ownerId));
  }

  /** Refuses `likes_hidden` when the owner keeps their likes to themselves and the viewer is someone else. */
  async assertLikesVisible(viewerId: string | null, owner: UserRow): Promise<void> {
    if (owner.likesVisible || viewerId === owner.id) return;
    throw new AppError('likes_hidden', `@${owner.handle} keeps their likes private`);
  }

  // ---- download my data -------------------------------------------------------------------

  async exportStatus(userId: string): Promise<DataExportStatus> {
    const latest = await this.deps.repo.latestExport(userId);
    return this.status(latest, new Date());
  }

  /** One archive per interval (a failed one does not count), checked under a per-person lock. */
  async requestExport(userId: string): Promise<DataExportStatus> {
    const u = await this.deps.accounts.mustGet(userId);
    if (u.deletedAt) throw new AppError('account_deleted', 'This account was deleted');
    const now = new Date();
    const row = await this.deps.repo.transaction(async (tx) => {
      const last = await this.deps.repo.lockAndLastCounted(tx, userId);
      const next = last ? last.createdAt.getTime() + this.deps.opts.exportIntervalHours * HOUR_MS : 0;
      if (next > now.getTime()) {
        const sec = Math.ceil((next - now.getTime()) / 1000);
        throw new AppError('rate_limited', `You can ask for your data again in ${Math.ceil(sec / 3600)} h; try again in ${sec} s`);
      }
      const r = await this.deps.repo.insertExport(tx, { id: newId(), userId, state: 'pending' });
      await this.deps.jobs.enqueue(exportKind, { exportId: r.id }, { tx });
      return r;
    });
    this.deps.jobs.wake(exportKind as JobKind<unknown>);
    return this.status(row, now);
  }

  /** The storage key of an archive its owner may download now; 404 for anyone else or once expired. */
  async archiveKey(userId: string, exportId: string): Promise<string> {
    const row = await this.deps.repo.exportById(exportId);
    if (!row || row.userId !== userId || row.state !== 'ready' || !row.storageKey || !row.expiresAt || row.expiresAt <= new Date()) {
      throw notFound('Archive');
    }
    return row.storageKey;
  }

  private status(latest: ExportRow | undefined, now: Date): DataExportStatus {
    const counted = latest && latest.state !== 'failed' ? latest.createdAt.getTime() + this.deps.opts.exportIntervalHours * HOUR_MS : 0;
    return {
      latest: latest ? this.dto(latest, now) : null,
      nextAllowedAt: counted > now.getTime() ? new Date(counted).toISOString() : null,
    };
  }

  private dto(r: ExportRow, now: Date): DataExport {
    const expired = r.state === 'expired' || (r.state === 'ready' && r.expiresAt !== null && r.expiresAt <= now);
    return {
      id: r.id,
      state: expired ? 'expired' : r.state,
      bytes: r.bytes,
      createdAt: r.createdAt.toISOString(),
      readyAt: r.readyAt?.toISOString() ?? null,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      downloadUrl: r.state === 'ready' && !expired ? `/api/v1/me/export/${r.id}/archive` : null,
    };
  }

  private async buildArchive(exportId: string): Promise<void> {
    const { repo, files, log } = this.deps;
    const row = await repo.exportById(exportId);
    if (!row || !(await repo.setExport(exportId, ['pending', 'building'], { state: 'building' }))) return;
    const local = path.join(files.scratchDir, `export-${exportId}-${randomBytes(6).toString('hex')}.zip`);
    const zip = new ZipFile(local);
    try {
      await zip.json('README.json', {
        about: 'Your data on Tremolo, as of the time below. Each JSON file holds one kind of data; media/ holds the files you uploaded.',
        createdAt: new Date().toISOString(),
      });
      for (const part of this.parts) await part.export?.(row.userId, zip);
      const bytes = await zip.close();
      // Unguessable, though only the owner's authenticated download ever reads it.
      const key = `exports/${row.userId}/${exportId}-${randomBytes(12).toString('hex')}.zip`;
      await files.putFile(key, local);
      const readyAt = new Date();
      const expiresAt = new Date(readyAt.getTime() + this.deps.opts.exportTtlHours * HOUR_MS);
      if (!(await repo.setExport(exportId, ['building'], { state: 'ready', storageKey: key, bytes, readyAt, expiresAt }))) {
        await files.remove(key);
        return;
      }
      await this.notify(row.userId, { kind: 'data_export', exportId, state: 'ready', expiresAt: expiresAt.toISOString() }).catch(
        (err: unknown) => log.warn({ err }, 'data export notification not sent'),
      );
    } catch (e) {
      zip.abort();
      throw e;
    } finally {
      await rm(local, { force: true });
    }
  }

  private async archiveFailed(exportId: string, error: string): Promise<void> {
    const row = await this.deps.repo.exportById(exportId);
    if (!row) return;
    this.deps.log.error({ exportId, error }, 'data export failed');
    if (await this.deps.repo.setExport(exportId, ['pending', 'building'], { state: 'failed', error: error.slice(0, 500) })) {
      await this.notify(row.userId, { kind: 'data_export', exportId, state: 'failed', expiresAt: null });
    }
  }

  private async exportProfile(userId: string, archive: ArchiveWriter): Promise<void> {
    const u = await this.deps.accounts.mustGet(userId);
    await archive.json('profile.json', { ...this.deps.accounts.me(u), privacy: privacyOf(u) });
    if (u.avatarKey) {
      const key = u.avatarKey;
      await archive.file(`media/avatar${path.extname(key)}`, () => this.deps.storage.read(key));
    }
    for (const kind of ['dm', 'group'] as const) {
      const items: { to?: string | undefined; groupId?: string | undefined; seq: number | undefined; at: string; body: unknown }[] = [];
      const peers = new Set<string>();
      let after: { channel: string; seq: number } | null = null;
      for (;;) {
        const page = await this.deps.store.sentBy(userId, kind, after, 500);
        for (const f of page) {
          if (f.body.kind === 'message_deleted') continue;
          const [, a, b] = f.ch.split(':');
          const peer = kind === 'dm' ? (a === userId ? b : a) : undefined;
          if (peer) peers.add(peer);
          items.push({ ...(kind === 'dm' ? { to: peer } : { groupId: a }), seq: f.seq, at: new Date(f.at).toISOString(), body: f.body });
        }
        if (page.length < 500) break;
        const last = page[page.length - 1]!;
        after = { channel: last.ch, seq: last.seq ?? 0 };
      }
      // Who each message went to, by handle: ids alone would mean nothing to the person reading.
      const names = await this.deps.accounts.summaries([...peers]);
      const named = items.map((m) => (m.to ? { ...m, to: names.get(m.to)?.handle ?? m.to } : m));
      await archive.json(kind === 'dm' ? 'messages/direct-messages.json' : 'messages/group-messages.json', named);
    }
  }

  // ---- delete my account ------------------------------------------------------------------

  async deletion(userId: string): Promise<{ dueAt: string | null; graceDays: number }> {
    const u = await this.deps.accounts.mustGet(userId);
    return { dueAt: u.deletionDueAt?.toISOString() ?? null, graceDays: this.deps.opts.deletionGraceDays };
  }

  /** Password again, then the grace period starts and every session of the account ends (logging in can cancel). */
  async requestDeletion(userId: string, password: string): Promise<{ dueAt: string | null; graceDays: number }> {
    await this.deps.accounts.checkPassword(userId, password);
    const due = new Date(Date.now() + this.deps.opts.deletionGraceDays * DAY_MS);
    const kept = await this.deps.repo.scheduleDeletion(userId, due);
    if (!kept) throw new AppError('account_deleted', 'This account was deleted');
    await this.deps.accounts.changedOutside(userId);
    await this.deps.accounts.endAllSessions(userId);
    return { dueAt: kept.toISOString(), graceDays: this.deps.opts.deletionGraceDays };
  }

  async cancelDeletion(userId: string): Promise<{ dueAt: string | null; graceDays: number }> {
    if (await this.deps.repo.cancelDeletion(userId)) await this.deps.accounts.changedOutside(userId);
    return this.deletion(userId);
  }

  /**
   * Deletes an account whose grace period is over (the job). Safe to run again: the tombstone
   * is written once, and each module's `erase` is idempotent.
   */
  async deleteNow(userId: string, now = new Date()): Promise<void> {
    const { repo, accounts } = this.deps;
    if (await repo.tombstone(userId, now)) {
      await accounts.changedOutside(userId);
      await accounts.endAllSessions(userId);
    }
    const [u] = await accounts.rows([userId]);
    if (!u?.deletedAt) return;
    for (const part of this.parts) await part.erase?.(userId);
  }

  /**
   * Expired archives leave storage; accounts past their grace period get their deletion job
   * (keyed by person, so nodes sweeping at once enqueue it once). `now` is for tests.
   */
  async sweep(now = new Date()): Promise<void> {
    for (const key of await this.deps.repo.expireExports(now)) {
      await this.deps.files.remove(key).catch((err: unknown) => this.deps.log.warn({ err, key }, 'expired archive not removed'));
    }
    const due = await this.deps.repo.dueDeletions(now, 100);
    for (const userId of due) await this.deps.jobs.enqueue(deleteKind, { userId, at: now.toISOString() }, { key: userId });
    if (due.length) this.deps.jobs.wake(deleteKind as JobKind<unknown>);
  }

  start(): void {
    const sec = this.deps.opts.sweepSec;
    if (sec <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch((err: unknown) => this.deps.log.warn({ err }, 'account sweep failed'))
        .finally(() => (this.sweeping = null));
    }, sec * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}

function privacyOf(u: UserRow): PrivacySettings {
  return { messages: u.dmPolicy, invites: u.invitePolicy, likesVisible: u.likesVisible, discoverable: u.discoverable };
}
