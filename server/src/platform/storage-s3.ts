import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { newId } from './ids.ts';
import { contentTypeOf, type PrivateFiles, type PublicFiles, type Stores, type StoredFile } from './storage.ts';

/** S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, …): the `S3_*` variables. */
export interface S3Config {
  bucket: string;
  /** Unset: AWS S3 for `region`. */
  endpoint: string | undefined;
  region: string;
  /** Both or neither; neither uses the AWS SDK's default credential chain. */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>` (MinIO, s3rver). */
  forcePathStyle: boolean;
  /** Prepended to every object key, so one bucket can hold several deployments. */
  prefix: string;
  /** Where browsers read the bucket's objects directly; public URLs point there when set. */
  publicUrl: string | undefined;
  /** Above 0: private files leave by a presigned URL valid this long, after the check. */
  signedUrlSec: number;
}

/**
 * A key as the app writes them (`avatars/<id>.webp`, `videos/<id>/video.mp4`): plain segments,
 * none empty or made of dots. Object stores take any string as a key, but an HTTP client or a
 * proxy on the way may resolve `..`, so a key from a URL (`/media/…`) must never be able to name
 * another area's object.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function checkedKey(key: string): string {
  if (key.length > 512 || !key.split('/').every((s) => SEGMENT.test(s))) throw new BadKey(key);
  return key;
}

class BadKey extends Error {
  constructor(key: string) {
    super(`not a storage key: ${JSON.stringify(key.slice(0, 80))}`);
  }
}

function isMissing(e: unknown): boolean {
  if (e instanceof BadKey) return true;
  if (!(e instanceof S3ServiceException)) return false;
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404;
}

/** One S3 client and bucket, shared by the two areas. */
class Bucket {
  readonly client: S3Client;

  constructor(readonly config: S3Config) {
    const agent = { keepAlive: true, maxSockets: 256 };
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
        : {}),
      // Many S3-compatible services reject the SDK's default extra checksums (and their chunked
      // encoding); send them only where the API requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Every video being watched holds a socket while it streams; the default 50 would queue the 51st.
      requestHandler: { httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent), connectionTimeout: 5000 },
    });
    if (config.forcePathStyle) {
      // Bucket-level requests (listing) go to `/<bucket>` rather than `/<bucket>/`, signed so: the
      // two are the same to AWS, R2 and MinIO, while some S3-compatible servers (s3rver) check
      // the signature against the former only.
      const bucketPath = `/${config.bucket}/`;
      this.client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { path?: unknown };
          if (typeof request.path === 'string' && request.path.endsWith(bucketPath)) request.path = request.path.slice(0, -1);
          return next(args);
        },
        { step: 'build', name: 'bucketPathWithoutSlash' },
      );
    }
  }

  /**
   * At start, fails fast with a message naming the bucket rather than at the first upload; then
   * at every readiness check, so a node that lost its storage leaves the load balancer's rotation.
   */
  async check(timeoutMs?: number): Promise<void> {
    try {
      // A listing rather than HeadBucket: the app needs list rights anyway, and not every S3-compatible server answers HEAD on a bucket.
      await this.client.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: this.config.prefix, MaxKeys: 1 }),
        timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {},
      );
    } catch (e) {
      const why =
        e instanceof S3ServiceException
          ? `${e.name} (HTTP ${e.$metadata.httpStatusCode ?? '?'})`
          : timeoutMs && e instanceof Error && e.name === 'AbortError'
            ? `no answer within ${timeoutMs} ms`
            : String(e);
      throw new Error(`S3_BUCKET: bucket "${this.config.bucket}" is not reachable at ${this.config.endpoint ?? 'AWS S3'}: ${why}`);
    }
  }

  close(): void {
    this.client.destroy();
  }
}

/** One area of the bucket: every key lives under `<prefix><area>/`. */
class S3Area {
  protected readonly base: string;

  constructor(
    protected readonly bucket: Bucket,
    area: 'public' | 'private',
  ) {
    this.base = `${bucket.config.prefix}${area}/`;
  }

  protected objectKey(key: string): string {
    return this.base + checkedKey(key);
  }

  protected get name(): string {
    return this.bucket.config.bucket;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.bucket.client.send(
      new PutObjectCommand({ Bucket: this.name, Key: this.objectKey(key), Body: bytes, ContentType: contentTypeOf(key) }),
    );
  }

  async stat(key: string): Promise<StoredFile | null> {
    try {
      const h = await this.bucket.client.send(new HeadObjectCommand({ Bucket: this.name, Key: this.objectKey(key) }));
      return {
        size: h.ContentLength ?? 0,
        etag: h.ETag ?? `"${(h.ContentLength ?? 0).toString(16)}"`,
        lastModified: h.LastModified ?? new Date(0),
        contentType: h.ContentType && h.ContentType !== 'binary/octet-stream' ? h.ContentType : contentTypeOf(key),
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const r = await this.bucket.client.send(
      new GetObjectCommand({
        Bucket: this.name,
        Key: this.objectKey(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    if (!(r.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
    return r.Body;
  }

  async remove(key: string): Promise<void> {
    await this.bucket.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: this.objectKey(key) }));
  }
}

class S3Storage extends S3Area implements PublicFiles {
  constructor(bucket: Bucket) {
    super(bucket, 'public');
  }

  url(key: string): string {
    const direct = this.bucket.config.publicUrl;
    return direct ? `${direct.replace(/\/+$/, '')}/${this.base}${key}` : `/media/${key}`;
  }
}

class S3PrivateFiles extends S3Area implements PrivateFiles {
  constructor(
    bucket: Bucket,
    readonly scratchDir: string,
  ) {
    super(bucket, 'private');
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const size = (await stat(localPath)).size;
    await this.bucket.client.send(
      new PutObjectCommand({
        Bucket: this.name,
        Key: this.objectKey(key),
        Body: createReadStream(localPath),
        ContentLength: size,
        ContentType: contentTypeOf(key),
      }),
    );
    await rm(localPath, { force: true });
  }

  async localCopy(key: string): Promise<{ path: string; release(): Promise<void> }> {
    await mkdir(this.scratchDir, { recursive: true });
    const local = path.join(this.scratchDir, `copy-${newId()}-${path.basename(key)}`);
    try {
      await pipeline(await this.read(key), createWriteStream(local));
    } catch (e) {
      await rm(local, { force: true });
      throw e;
    }
    return { path: local, release: () => rm(local, { force: true }) };
  }

  async removeAll(prefix: string): Promise<void> {
    const under = `${this.objectKey(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.bucket.client.send(
        new ListObjectsV2Command({ Bucket: this.name, Prefix: under, ...(token ? { ContinuationToken: token } : {}) }),
      );
      // One DELETE per object: multi-object delete needs a Content-MD5 that not every S3-compatible service accepts the same way.
      await Promise.all(
        (page.Contents ?? []).flatMap((o) =>
          o.Key ? [this.bucket.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: o.Key }))] : [],
        ),
      );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async signedUrl(key: string): Promise<string | null> {
    const seconds = this.bucket.config.signedUrlSec;
    if (seconds <= 0) return null;
    return getSignedUrl(this.bucket.client, new GetObjectCommand({ Bucket: this.name, Key: this.objectKey(key) }), { expiresIn: seconds });
  }
}

function originOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

/**
 * Object storage shared by every node: both areas in one bucket, this node's scratch space under
 * `storageDir` (emptied at start: whatever is there belongs to a previous run).
 */
export async function s3Stores(config: S3Config, storageDir: string): Promise<Stores> {
  const bucket = new Bucket(config);
  await bucket.check();
  const scratchDir = path.join(storageDir, 'scratch');
  await rm(scratchDir, { recursive: true, force: true });
  await mkdir(scratchDir, { recursive: true });
  const signedOrigin = config.signedUrlSec > 0 ? originOf(config.endpoint ?? `https://s3.${config.region}.amazonaws.com`) : [];
  // Virtual-hosted addressing puts the bucket in the host name: that origin is the one browsers meet.
  const signed =
    signedOrigin.length && !config.forcePathStyle
      ? signedOrigin.map((o) => {
          const u = new URL(o);
          u.hostname = `${config.bucket}.${u.hostname}`;
          return u.origin;
        })
      : signedOrigin;
  return {
    storage: new S3Storage(bucket),
    privateFiles: new S3PrivateFiles(bucket, scratchDir),
    publicDir: null,
    mediaOrigins: [...new Set([...originOf(config.publicUrl), ...signed])],
    check: (timeoutMs) => bucket.check(timeoutMs),
    close: () => bucket.close(),
  };
}
