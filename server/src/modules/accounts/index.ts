import type { Platform } from '../../platform/module.ts';
import { AccountsRepo } from './repo.ts';
import { registerAccountRoutes, registerPeopleLookup } from './routes.ts';
import { AccountsService } from './service.ts';

/**
 * Accounts come before the rest of the platform: the gateway and the router resolve sessions
 * through them, so the service is built first and its routes registered once the router exists.
 */
export function createAccounts(p: Pick<Platform, 'config' | 'db' | 'storage' | 'limits'>): AccountsService {
  return new AccountsService({
    repo: new AccountsRepo(p.db),
    storage: p.storage,
    opts: { sessionTtlDays: p.config.sessionTtlDays, maxAvatarBytes: p.config.maxAvatarBytes, limits: p.limits },
  });
}

export function register(p: Platform, accounts: AccountsService): AccountsService {
  registerAccountRoutes(p.router, accounts, { cookieSecure: p.config.cookieSecure });
  registerPeopleLookup(p.router, accounts);
  return accounts;
}
