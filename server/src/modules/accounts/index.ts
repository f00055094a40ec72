import type { Platform } from '../../platform/module.ts';
import { SessionCache } from '../../platform/auth/session-cache.ts';
import { AccountsRepo } from './repo.ts';
import { registerAccountRoutes, registerPeopleLookup } from './routes.ts';
import { AccountsService } from './service.ts';
import { PeopleCache } from './people-cache.ts';
import { AccountRights } from './rights.ts';
import { RightsRepo } from './rights-repo.ts';
import { registerRightsRoutes } from './rights-routes.ts';

/**
 * Accounts come before the rest of the platform: the gateway and the router resolve sessions
 * through them, so the service is built first and its routes registered once the router exists.
 */
export function createAccounts(p: Pick<Platform, 'config' | 'db' | 'storage' | 'limits' | 'bus'>): AccountsService {
  return new AccountsService({
    repo: new AccountsRepo(p.db),
    storage: p.storage,
    sessions: new SessionCache(p.bus, { ttlSec: p.config.sessionCacheSec }),
    people: new PeopleCache(p.bus, { ttlSec: p.config.sessionCacheSec }),
    opts: { sessionTtlDays: p.config.sessionTtlDays, maxAvatarBytes: p.config.maxAvatarBytes, limits: p.limits },
  });
}

export function register(p: Platform, accounts: AccountsService): AccountsService {
  registerAccountRoutes(p.router, accounts, { cookieSecure: p.config.cookieSecure });
  registerPeopleLookup(p.router, accounts);
  const rights = new AccountRights({
    repo: new RightsRepo(p.db),
    accounts,
    jobs: p.jobs,
    files: p.privateFiles,
    storage: p.storage,
    store: p.store,
    opts: p.config.accountRights,
    log: p.log,
  });
  accounts.attachRights(rights);
  registerRightsRoutes(p.router, rights, { files: p.privateFiles, cookieSecure: p.config.cookieSecure });
  return accounts;
}
