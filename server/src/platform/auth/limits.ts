import type { LimitsConfig, RateLimitName } from '../config.ts';
import { OncePerWindow, RateLimit, type LimitStore } from './rate-limit.ts';

/** How each limit names what was refused, in "Too many …; try again in N s". */
const WHAT: Record<RateLimitName, string> = {
  loginPerIp: 'login attempts from your network',
  loginFailsPerAccountNetwork: 'failed logins for this account from your network',
  loginFailsPerNetwork: 'failed logins from your network',
  signupPerIp: 'sign-ups from your network',
  passwordFails: 'wrong current passwords',
  writesPerRoute: 'requests of this kind',
  storedPublishes: 'posts',
  follows: 'follows and unfollows',
  likes: 'likes',
  comments: 'comments',
  videoUploads: 'video uploads',
  groupJoins: 'group joins and leaves',
  groupsCreated: 'new fan groups',
  roomsCreated: 'new rooms',
  roomReservations: 'room reservations',
  watchPartiesCreated: 'new watch parties',
  reports: 'reports',
  reportsPerTarget: 'reports about this',
  wordListEdits: 'word filter changes',
  checkouts: 'checkouts',
  pays: 'payment attempts',
  reviewWrites: 'reviews and replies',
  aftersalesWrites: 'after-sales steps',
  touchesPerIp: 'product views recorded from your network',
  matchSkips: 'skips',
  pushSubscriptions: 'push subscription changes',
  groupMessagePoints: 'group messages earning fan points today',
};

/**
 * Every limit on a repeatable action, built once from the config and shared by the services.
 * With Redis the counters are shared by every node; without it, each node counts alone
 * (a single-node deployment needs no more).
 */
export class Limits {
  private readonly rates = new Map<RateLimitName, RateLimit>();
  /** The same viewer's view or click of the same product, within the window. */
  readonly touchOnce: OncePerWindow;
  /** The same follower notifying the same person, within the window. */
  readonly followNotifyOnce: OncePerWindow;
  /** Failed logins per account from anywhere: never refuses, it only sets the slowdown. */
  readonly loginFailsPerAccount: RateLimit;

  constructor(
    readonly config: LimitsConfig,
    store: LimitStore,
  ) {
    for (const [name, l] of Object.entries(config.rates) as [RateLimitName, LimitsConfig['rates'][RateLimitName]][]) {
      this.rates.set(name, new RateLimit({ name, points: l.points, durationSec: l.durationSec, ...store }));
    }
    this.touchOnce = new OncePerWindow({ name: 'touch', windowSec: config.touchWindowSec, ...store });
    this.followNotifyOnce = new OncePerWindow({ name: 'follow-notify', windowSec: config.followNotifyWindowSec, ...store });
    this.loginFailsPerAccount = new RateLimit({
      name: 'login-fail-account',
      points: Number.MAX_SAFE_INTEGER,
      durationSec: config.loginSlowdown.windowSec,
      ...store,
    });
  }

  rate(name: RateLimitName): RateLimit {
    return this.rates.get(name)!;
  }

  /** Counts one `name` action for `key`; throws 429 `rate_limited` ("try again in N s") past the budget. */
  consume(name: RateLimitName, key: string): Promise<void> {
    return this.rate(name).consume(key, WHAT[name]);
  }

  /** Counts one `name` action for `key` and says whether it was within the budget; never refuses. */
  allow(name: RateLimitName, key: string): Promise<boolean> {
    return this.rate(name).allow(key);
  }

  /** Refuses if `key` has already spent its `name` budget, without counting. */
  check(name: RateLimitName, key: string): Promise<void> {
    return this.rate(name).check(key, WHAT[name]);
  }

  refund(name: RateLimitName, key: string): Promise<void> {
    return this.rate(name).refund(key);
  }

  used(name: RateLimitName, key: string): Promise<number> {
    return this.rate(name).used(key);
  }

  reset(name: RateLimitName, key: string): Promise<void> {
    return this.rate(name).reset(key);
  }
}
