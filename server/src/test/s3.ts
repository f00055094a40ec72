import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from '@20minutes/s3rver';
import type { S3Config } from '../platform/storage-s3.ts';
import { freePort } from './processes.ts';

/** A running S3-compatible server on loopback, and how to point the app at it. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The `S3_*` variables for a server process. */
  env: Record<string, string>;
  /** The same, as the config an in-process app takes. */
  config: S3Config;
  stop(): Promise<void>;
}

/**
 * Starts s3rver (an S3-compatible server written in JavaScript, from npm) on a free loopback
 * port with one empty bucket, its objects in a temporary directory removed by `stop`. It speaks
 * the S3 REST API with signature v4 (headers and presigned URLs), ranges and listing, which is
 * what the app uses; it checks signatures but has no access policies, so "nobody reads the bucket
 * directly" is the real provider's configuration, not something this server can show.
 */
export async function startTestS3(bucket = 'tremolo'): Promise<TestS3> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tremolo-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: bucket }] });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed test credentials.
  const config: S3Config = {
    bucket,
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: '',
    publicUrl: undefined,
    signedUrlSec: 0,
  };
  return {
    endpoint,
    bucket,
    config,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

// By hand: `node --import tsx server/src/test/s3.ts` starts one and prints the variables for `npm start`.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s3 = await startTestS3();
  console.log(
    Object.entries(s3.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  );
  console.log('Ctrl-C stops it (and deletes its objects).');
  process.once('SIGINT', () => void s3.stop().then(() => process.exit(0)));
}
