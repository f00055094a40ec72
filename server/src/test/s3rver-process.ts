import S3rver from '@20minutes/s3rver';

/**
 * s3rver in a process of its own, started by `s3.ts` with OpenSSL's legacy provider: s3rver
 * encrypts listing continuation tokens with DES, which OpenSSL 3 (Node 18+) refuses otherwise,
 * so any listing that stops before the end (a node's start-up check lists one key) fails once
 * the bucket holds two objects. Prints the port it listens on, then serves until killed.
 */
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3RVER_PORT ?? 0),
  directory: process.env.S3RVER_DIR ?? '',
  silent: true,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET ?? 'tremolo' }],
});
const address = await server.run();
process.stdout.write(`s3rver listening ${address.port}\n`);
// The test process that started it went away without stopping it: so does this one.
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
