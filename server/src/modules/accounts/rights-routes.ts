import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import { SESSION_COOKIE } from '../../platform/auth/session.ts';
import { sendPrivateFile } from '../../platform/storage-http.ts';
import type { PrivateFiles } from '../../platform/storage.ts';
import type { AccountRights } from './rights.ts';

export function registerRightsRoutes(router: Router, rights: AccountRights, opts: { files: PrivateFiles; cookieSecure: boolean }): void {
  const r = api.rights;
  router.implement(r.privacy, async ({ user }) => rights.privacy(user.id));
  router.implement(r.setPrivacy, async ({ user, body }) => rights.setPrivacy(user.id, body));
  router.implement(r.exportStatus, async ({ user }) => rights.exportStatus(user.id));
  router.implement(r.requestExport, async ({ user }) => rights.requestExport(user.id));
  router.implement(r.downloadExport, async ({ user, params, req, reply }) => {
    const key = await rights.archiveKey(user.id, params.id);
    reply.header('content-disposition', `attachment; filename="tremolo-data-${params.id}.zip"`);
    return sendPrivateFile(req, reply, opts.files, key, { cacheControl: 'private, no-store', what: 'Archive' });
  });
  router.implement(r.deletion, async ({ user }) => rights.deletion(user.id));
  router.implement(r.requestDeletion, async ({ user, body, reply }) => {
    const answer = await rights.requestDeletion(user.id, body.password);
    // Every session ended, this one too: logging in during the grace period is how to cancel.
    reply.clearCookie(SESSION_COOKIE, { path: '/', secure: opts.cookieSecure });
    return answer;
  });
  router.implement(r.cancelDeletion, async ({ user }) => rights.cancelDeletion(user.id));
}
