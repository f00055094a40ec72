#!/usr/bin/env node
// `npm run cluster [-- N]`: N app nodes (default 2) on PostgreSQL and Redis behind HAProxy on this
// machine, to try the multi-node setup by hand. Ctrl-C stops everything.
//
//   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/tremolo_cluster (created if missing)
//   REDIS_URL      default redis://127.0.0.1:6379
//   REDIS_PREFIX   default tremolo-cluster
//   CLUSTER_PORT   HAProxy's port, default 8080; the nodes listen on the next N ports
//   HAPROXY_BIN    default /usr/sbin/haproxy
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

const children = [];
const prefixLines = (name, stream) => {
  let rest = '';
  stream.on('data', (d) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) console.log(`[${name}] ${l}`);
  });
};

const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'tremolo-cluster-'));
const nodes = [];
for (let i = 1; i <= count; i++) {
  const port = lbPort + i;
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
      // Per node: PGlite is unused, but uploads go to disk under DATA_DIR; share one directory so
      // every node serves every upload (object storage does this in production).
      DATA_DIR: dataRoot,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(`node${i}`, child.stdout);
  prefixLines(`node${i}`, child.stderr);
  children.push(child);
  nodes.push({ name: `node${i}`, address: `127.0.0.1:${port}` });
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
    `\nKill a node (kill -9 <pid>: ${children
      .slice(0, count)
      .map((c) => c.pid)
      .join(', ')}) to watch the others take over. Ctrl-C stops everything.\n`,
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
});
haproxy.on('exit', (code) => {
  if (!stopping) {
    console.error(`haproxy exited (${code}); stopping`);
    stop();
  }
});
