import { z } from 'zod';
import webpush from 'web-push';
import type { FastifyBaseLogger } from 'fastify';
import { Notification, type PushMessage, type PushPrefs } from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobKind, JobRun, Jobs } from '../../platform/jobs/jobs.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { DmsService } from '../dms/service.ts';
import type { CouponDrop, GroupsService } from '../groups/service.ts';
import type { FocusMarks } from './focus.ts';
import { pushKindOf, renderCouponDrop, renderPush, type PushLang } from './render.ts';
import { PushRepo, type SubscriptionRow } from './repo.ts';

export interface PushDeps {
  db: Db;
  jobs: Jobs;
  limits: Limits;
  focus: FocusMarks;
  notifications: NotificationsService;
  groups: GroupsService;
  dms: Pick<DmsService, 'onMessage' | 'onRead'>;
  log: FastifyBaseLogger;
  contact: string;
  allowHttpEndpoints: boolean;
}

/** How long a push service keeps a message for an offline device, and how late a retried job may still send it. */
const TTL_SEC: Record<PushMessage['type'] | 'lives' | 'stage', number> = {
  show: 24 * 3600,
  clear: 24 * 3600,
  lives: 3600,
  stage: 300,
};

/** Most members one coupon drop is pushed to (the largest fan group's seats). */
const COUPON_AUDIENCE_MAX = 10_000;

/** `tag` replaces the inbox id as the notification's tag (a DM thread's pushes replace each other). */
const NotifyJob = z.object({ userId: z.string(), notification: Notification, tag: z.string().optional() });
const ClearJob = z.object({ userId: z.string(), upTo: z.string().nullable(), tags: z.array(z.string()).optional(), at: z.number() });
const CouponJob = z.object({
  groupId: z.string(),
  groupName: z.string(),
  couponId: z.string(),
  title: z.string(),
  actorId: z.string(),
  at: z.number(),
});

const notifyKind: JobKind<z.infer<typeof NotifyJob>> = {
  name: 'push-notify',
  payload: NotifyJob,
  retries: 2,
  retryDelaySec: 5,
  timeoutSec: 30,
};
const clearKind: JobKind<z.infer<typeof ClearJob>> = {
  name: 'push-clear',
  payload: ClearJob,
  retries: 2,
  retryDelaySec: 5,
  timeoutSec: 30,
};
const couponKind: JobKind<z.infer<typeof CouponJob>> = {
  name: 'push-coupon',
  payload: CouponJob,
  retries: 1,
  retryDelaySec: 10,
  timeoutSec: 300,
};

type Keys = { publicKey: string; privateKey: string };

/**
 * Web Push: browsers' subscriptions, each person's switches, and sending. Every inbox item of a
 * pushed kind and every coupon drop becomes a job on the durable queue; the job sends to the
 * person's devices except those whose app is open and focused (their socket says so), and a
 * person reading their inbox anywhere sends a `clear` to all their devices.
 */
export class PushService {
  private readonly repo: PushRepo;
  private keysPromise: Promise<Keys> | null = null;

  constructor(private readonly deps: PushDeps) {
    this.repo = new PushRepo(deps.db);
    const { jobs, notifications, groups, dms } = deps;
    jobs.work(notifyKind, {
      run: (p, job) => this.runNotify(p.userId, p.notification, p.tag, job),
      failed: async (p, error) => deps.log.warn({ userId: p.userId, error }, 'push not delivered'),
    });
    jobs.work(clearKind, {
      run: (p, job) => this.runClear(p.userId, p.upTo, p.tags, p.at, job),
      failed: async (p, error) => deps.log.warn({ userId: p.userId, error }, 'push clear not delivered'),
    });
    jobs.work(couponKind, {
      run: (p, job) => this.runCoupon(p, job),
      failed: async (p, error) => deps.log.warn({ groupId: p.groupId, error }, 'coupon drop push not delivered'),
    });
    notifications.onNotified(async (userId, n) => {
      if (!pushKindOf(n.payload)) return;
      await this.enqueue(notifyKind, { userId, notification: n });
    });
    notifications.onRead(async (userId, { upTo, ids }) => {
      await this.enqueue(clearKind, { userId, upTo: ids ? null : (upTo ?? null), tags: ids, at: Date.now() });
    });
    dms.onMessage(async (userId, message) => {
      const notification = { id: newId(), payload: message, read: false, createdAt: new Date().toISOString() };
      await this.enqueue(notifyKind, { userId, notification, tag: dmTag(message.actor.handle) });
    });
    dms.onRead(async (userId, peerHandle) => {
      await this.enqueue(clearKind, { userId, upTo: null, tags: [dmTag(peerHandle)], at: Date.now() });
    });
    groups.onCouponDrop(async (drop: CouponDrop) => {
      await this.enqueue(couponKind, { ...drop, at: Date.now() });
    });
  }

  /** Push is a courtesy: a queue that cannot take the job must not fail the message or order behind it. */
  private async enqueue<T>(kind: JobKind<T>, payload: T): Promise<void> {
    try {
      await this.deps.jobs.enqueue(kind, payload);
      this.deps.jobs.wake(kind as JobKind<unknown>);
    } catch (err) {
      this.deps.log.warn({ err, kind: kind.name }, 'push job not stored');
    }
  }

  /** The VAPID key pair: made and stored by the first node that needs it, then the same for every node. */
  keys(): Promise<Keys> {
    this.keysPromise ??= this.repo.vapidKeys(webpush.generateVAPIDKeys()).catch((err: unknown) => {
      this.keysPromise = null;
      throw err;
    });
    return this.keysPromise;
  }

  async publicKey(): Promise<string> {
    return (await this.keys()).publicKey;
  }

  async subscribe(userId: string, body: { endpoint: string; keys: { p256dh: string; auth: string }; lang: PushLang }): Promise<string> {
    const url = new URL(body.endpoint);
    if (url.protocol !== 'https:' && !(this.deps.allowHttpEndpoints && url.protocol === 'http:')) {
      throw new AppError('validation_failed', 'A push endpoint must be an https URL');
    }
    await this.deps.limits.consume('pushSubscriptions', userId);
    return this.repo.upsertSubscription({ id: newId(), userId, endpoint: body.endpoint, ...body.keys, lang: body.lang });
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    await this.deps.limits.consume('pushSubscriptions', userId);
    await this.repo.removeSubscription(userId, endpoint);
  }

  prefs(userId: string): Promise<PushPrefs> {
    return this.repo.prefs(userId);
  }

  async setPrefs(userId: string, change: Partial<PushPrefs>): Promise<PushPrefs> {
    const next = { ...(await this.repo.prefs(userId)), ...change };
    await this.repo.setPrefs(userId, next);
    return next;
  }

  /** Forgets every browser of a deleted account. */
  forget(userId: string): Promise<void> {
    return this.repo.removeAllOf(userId);
  }

  /** A socket's app became focused or not (the gateway's `focus` frame). */
  focusChanged(userId: string, device: string, focused: boolean): void {
    this.deps.focus.set(userId, device, focused).catch((err: unknown) => this.deps.log.warn({ err }, 'focus mark not stored'));
  }

  private async runNotify(userId: string, n: Notification, tag: string | undefined, job: JobRun): Promise<void> {
    const kind = pushKindOf(n.payload);
    if (!kind) return;
    const ttl = kind === 'lives' ? TTL_SEC.lives : kind === 'stage' ? TTL_SEC.stage : TTL_SEC.show;
    // A retry later than the message's lifetime, or an item read meanwhile, is not worth a buzz.
    if (Date.now() - Date.parse(n.createdAt) > ttl * 1000) return;
    // A DM is not an inbox item: reading its conversation sends the clear instead.
    if (n.payload.kind !== 'dm' && !(await this.deps.notifications.isUnread(userId, n.id))) return;
    if (!(await this.repo.prefs(userId))[kind]) return;
    const subs = await this.awayDevices(userId, await this.repo.subscriptionsOf([userId]));
    await this.sendAll(subs, (lang) => renderPush(n, lang, tag), ttl, kind === 'messages' || kind === 'stage' ? 'high' : 'normal', job);
  }

  private async runClear(userId: string, upTo: string | null, tags: string[] | undefined, at: number, job: JobRun): Promise<void> {
    if (Date.now() - at > TTL_SEC.clear * 1000) return;
    const subs = await this.repo.subscriptionsOf([userId]);
    await this.sendAll(subs, () => ({ type: 'clear', upTo, ...(tags ? { tags } : {}) }), TTL_SEC.clear, 'normal', job);
  }

  private async runCoupon(drop: z.infer<typeof CouponJob>, job: JobRun): Promise<void> {
    if (Date.now() - drop.at > TTL_SEC.lives * 1000) return;
    const members = (await this.deps.groups.memberIdsOf(drop.groupId, COUPON_AUDIENCE_MAX)).filter((m) => m !== drop.actorId);
    const prefs = await this.repo.prefsOf(members);
    const wanted = members.filter((m) => prefs.get(m)?.coupons ?? true);
    const subs = await this.repo.subscriptionsOf(wanted);
    const byUser = new Map<string, SubscriptionRow[]>();
    for (const s of subs) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
    const away: SubscriptionRow[] = [];
    for (const [userId, list] of byUser) away.push(...(await this.awayDevices(userId, list)));
    await this.sendAll(away, (lang) => renderCouponDrop(drop, lang), TTL_SEC.lives, 'normal', job);
  }

  /** A person's devices minus those whose app is open and focused right now. */
  private async awayDevices(userId: string, subs: SubscriptionRow[]): Promise<SubscriptionRow[]> {
    const focused = await this.deps.focus.focused(
      userId,
      subs.map((s) => s.id),
    );
    return subs.filter((s) => !focused.has(s.id));
  }

  /**
   * Sends one message to each device. A gone endpoint (404/410) is forgotten; a push service that
   * is overloaded or failing (429, 5xx, no answer) fails the attempt, so the job retries later.
   */
  private async sendAll(
    subs: SubscriptionRow[],
    render: (lang: PushLang) => PushMessage | null,
    ttl: number,
    urgency: 'normal' | 'high',
    job: JobRun,
  ): Promise<void> {
    if (subs.length === 0) return;
    const keys = await this.keys();
    const vapidDetails = { subject: this.deps.contact, publicKey: keys.publicKey, privateKey: keys.privateKey };
    let retry: string | null = null;
    for (const s of subs) {
      if (job.signal.aborted) throw new Error('push job stopped');
      const msg = render(s.lang === 'zh-CN' ? 'zh-CN' : 'en');
      if (!msg) continue;
      const req = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(msg), {
        vapidDetails,
        TTL: ttl,
        urgency,
        // A device that was offline gets only the latest `clear`, not a queue of them.
        ...(msg.type === 'clear' ? { topic: 'clear' } : {}),
      });
      let status: number;
      try {
        const res = await fetch(req.endpoint, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: req.body ? new Uint8Array(req.body) : null,
          signal: AbortSignal.any([job.signal, AbortSignal.timeout(10_000)]),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        retry = err instanceof Error ? err.message : String(err);
        continue;
      }
      if (status === 404 || status === 410) await this.repo.dropSubscription(s.id);
      else if (status === 429 || status >= 500) retry = `push service answered ${status}`;
      else if (status >= 400) this.deps.log.warn({ status, endpoint: new URL(s.endpoint).host }, 'push refused');
    }
    if (retry) throw new Error(retry);
  }
}

/** One tag per conversation: a new DM's notification replaces the last one from that person. */
function dmTag(handle: string): string {
  return `dm:${handle}`;
}
