import { z } from 'zod';
import { HandleParams } from '../graph.ts';
import { page } from '../common.ts';
import { Video } from '../videos.ts';
import {
  AccountDeletion,
  DataExportStatus,
  DeleteAccountBody,
  ExportIdParams,
  LikesQuery,
  PrivacyBody,
  PrivacySettings,
} from '../rights.ts';
import { endpoint } from './endpoint.ts';

const tags = ['account rights'];

/** A person's rights over their account: privacy settings, download my data, delete my account. */
export const rightsApi = {
  privacy: endpoint({
    method: 'GET',
    path: '/api/v1/me/privacy',
    auth: 'user',
    summary: 'My privacy settings',
    tags,
    response: PrivacySettings,
  }),
  setPrivacy: endpoint({
    method: 'PATCH',
    path: '/api/v1/me/privacy',
    auth: 'user',
    summary: 'Change my privacy settings',
    tags,
    body: PrivacyBody,
    response: PrivacySettings,
  }),
  exportStatus: endpoint({
    method: 'GET',
    path: '/api/v1/me/export',
    auth: 'user',
    summary: 'My latest data archive and when I may ask for another',
    tags,
    response: DataExportStatus,
  }),
  requestExport: endpoint({
    method: 'POST',
    path: '/api/v1/me/export',
    auth: 'user',
    summary: 'Ask for an archive of my data (built in the background; I am notified when it is ready)',
    tags,
    response: DataExportStatus,
    status: 202,
    errors: ['rate_limited', 'account_deleted'],
  }),
  downloadExport: endpoint({
    method: 'GET',
    path: '/api/v1/me/export/:id/archive',
    auth: 'user',
    summary: 'Download my data archive (zip); only its owner, until it expires',
    tags,
    params: ExportIdParams,
    response: z.never(),
    binary: 'application/zip',
    errors: ['not_found'],
  }),
  deletion: endpoint({
    method: 'GET',
    path: '/api/v1/me/deletion',
    auth: 'user',
    summary: 'Whether my account is to be deleted, and when',
    tags,
    response: AccountDeletion,
  }),
  requestDeletion: endpoint({
    method: 'POST',
    path: '/api/v1/me/deletion',
    auth: 'user',
    summary: 'Delete my account after the grace period (password again); logging in during it can cancel',
    tags,
    body: DeleteAccountBody,
    response: AccountDeletion,
    errors: ['invalid_credentials', 'rate_limited'],
  }),
  cancelDeletion: endpoint({
    method: 'DELETE',
    path: '/api/v1/me/deletion',
    auth: 'user',
    summary: 'Keep my account: cancel its deletion during the grace period',
    tags,
    response: AccountDeletion,
  }),
  likes: endpoint({
    method: 'GET',
    path: '/api/v1/users/:handle/likes',
    auth: 'optional',
    summary: 'Videos a person liked (only when they let others see them; always to themselves)',
    tags: ['videos'],
    params: HandleParams,
    query: LikesQuery,
    response: page(Video),
    errors: ['likes_hidden', 'not_found'],
  }),
};
