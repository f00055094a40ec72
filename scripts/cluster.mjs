#!/usr/bin/env node
// `npm run cluster [-- N]`: N app nodes (default 2) on PostgreSQL, Redis and one S3-compatible
// bucket (the tests' s3rver, started here) behind HAProxy on this machine: the production topology,
// to try by hand. Each node has its own DATA_DIR (scratch only). Ctrl-C stops everything.
//
//   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/tremolo_cluster (created if missing)
//   REDIS_URL      default redis://127.0.0.1:6379
//   REDIS_PREFIX   default tremolo-cluster
//   CLUSTER_PORT   HAProxy's port, default 8080; the nodes listen on the next N ports
//   HAPROXY_BIN    default /usr/sbin/haproxy
//   CLUSTER_S3_PORT the local S3 server's port, default CLUSTER_PORT + 100
//   CLUSTER_S3_DIR  where it keeps the bucket, default data/cluster-s3 (kept, like the database)
//   S3_BUCKET …    when set (with the other S3_* variables), that bucket instead of the local server
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// The server's PostgreSQL client, resolved as the server resolves it.
const pg = createRequire(path.join(root, 'server', 'package.json'))('pg');
const count = Number(process.argv[2] ?? 2);
if (!Number.isInteger(count) || count < 1) throw new Error(`usage: npm run cluster [-- <number of nodes>], got ${process.argv[2]}`);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tremolo_cluster';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = process.env.REDIS_PREFIX ?? 'tremolo-cluster';
const lbPort = Number(process.env.CLUSTER_PORT ?? 8080);
const haproxyBin = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

if (!existsSync(haproxyBin)) {
  console.error(`haproxy not found at ${haproxyBin}: apt-get install haproxy (or set HAPROXY_BIN)`);
  process.exit(1);
}
if (!existsSync(path.join(root, 'web', 'dist', 'index.html'))) {
  console.log('Building the web app (first start only)…');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The database named in DATABASE_URL is created when it does not exist yet.
const target = new URL(databaseUrl);
const dbName = decodeURIComponent(target.pathname.slice(1));
const admin = new URL(databaseUrl);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
const exists = await client.query('select 1 from pg_database where datname = $1', [dbName]);
if (exists.rowCount === 0) {
  await client.query(`create database "${dbName.replaceAll('"', '""')}"`);
  console.log(`created database ${dbName}`);
}
await client.end();

const prefixLines = (name, stream) => {
  let rest = '';
  stream.on('data', (d) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) console.log(`[${name}] ${l}`);
  });
};

const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'tremolo-cluster-'));

// One S3-compatible bucket for every node's uploads: s3rver (a dev dependency, the tests' server)
// on loopback, unless S3_BUCKET names a real one. Its objects stay in data/cluster-s3 between runs,
// as the database does (the demo seeded in a previous run keeps its avatars and videos). It runs
// in a process of its own with OpenSSL's legacy provider: s3rver encrypts listing continuation
// tokens with DES, and a node's start-up check lists a bucket that already has objects in it.
let s3Env = {};
let s3Child = null;
const s3Dir = process.env.CLUSTER_S3_DIR ?? path.join(root, 'data', 'cluster-s3');
const children = [];
if (!process.env.S3_BUCKET) {
  mkdirSync(s3Dir, { recursive: true });
  const s3Port = Number(process.env.CLUSTER_S3_PORT ?? lbPort + 100);
  const code = `
    const S3rver = require(process.env.S3RVER_MODULE);
    new S3rver({ address: '127.0.0.1', port: Number(process.env.S3RVER_PORT), directory: process.env.S3RVER_DIR, silent: true, configureBuckets: [{ name: 'tremolo' }] })
      .run()
      .then(() => console.log('s3rver ready'), (err) => { console.error(err); process.exit(1); });`;
  s3Child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', code], {
    env: {
      ...process.env,
      S3RVER_MODULE: createRequire(path.join(root, 'server', 'package.json')).resolve('@20minutes/s3rver'),
      S3RVER_PORT: String(s3Port),
      S3RVER_DIR: s3Dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(s3Child);
  await new Promise((resolve, reject) => {
    let out = '';
    const seen = (d) => {
      out += d.toString();
      if (out.includes('s3rver ready')) resolve(undefined);
    };
    s3Child.stdout.on('data', seen);
    s3Child.stderr.on('data', (d) => (out += d.toString()));
    s3Child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${out}`)));
  });
  prefixLines('s3', s3Child.stderr);
  s3Env = {
    S3_BUCKET: 'tremolo',
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  };
}

const nodes = [];
for (let i = 1; i <= count; i++) {
  const port = lbPort + i;
  const dataDir = path.join(dataRoot, `node${i}`);
  mkdirSync(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'src', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      TRUST_PROXY: '127.0.0.1',
      ...s3Env,
      // Per node, as on separate machines: uploads are in the bucket, DATA_DIR holds scratch files.
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(`node${i}`, child.stdout);
  prefixLines(`node${i}`, child.stderr);
  children.push(child);
  nodes.push({ name: `node${i}`, address: `127.0.0.1:${port}`, pid: child.pid });
}

const template = readFileSync(path.join(root, 'deploy', 'haproxy.cfg'), 'utf8');
const cfg = template
  .replace(/^(\s*# nodes:begin\n)[\s\S]*?(^\s*# nodes:end)/m, (_m, begin, end) =>
    [begin.trimEnd(), ...nodes.map((n) => `    server ${n.name} ${n.address}`), end].join('\n'),
  )
  .replace(/^(\s*)bind .*$/m, `$1bind 127.0.0.1:${lbPort}`);
const cfgFile = path.join(dataRoot, 'haproxy.cfg');
writeFileSync(cfgFile, cfg);
const haproxy = spawn(haproxyBin, ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
prefixLines('haproxy', haproxy.stdout);
prefixLines('haproxy', haproxy.stderr);
children.push(haproxy);

console.log(
  `\n${count} nodes (${nodes.map((n) => n.address).join(', ')}) behind HAProxy on http://127.0.0.1:${lbPort}` +
    `\nPostgreSQL ${databaseUrl}, Redis ${redisUrl} (prefix ${redisPrefix}), HAProxy config ${cfgFile}` +
    `\nUploads in S3 bucket ${s3Env.S3_BUCKET ?? process.env.S3_BUCKET} at ${s3Env.S3_ENDPOINT ?? process.env.S3_ENDPOINT ?? 'AWS'}` +
    `${s3Child ? ` (s3rver, objects in ${s3Dir})` : ''}; each node's DATA_DIR is ${dataRoot}/node<i>` +
    `\nKill a node (kill -9 <pid>: ${nodes.map((n) => n.pid).join(', ')}) to watch the others take over. Ctrl-C stops everything.\n`,
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // The nodes' DATA_DIRs hold scratch files only.
  rmSync(dataRoot, { recursive: true, force: true });
});
haproxy.on('exit', (code) => {
  if (!stopping) {
    console.error(`haproxy exited (${code}); stopping`);
    stop();
  }
});
