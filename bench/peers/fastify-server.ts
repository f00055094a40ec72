/**
 * The peer for bench/http.ts: a bare Fastify 5 server with one JSON route shaped like
 * `GET /api/v1/me`, no logger, no plugins, no database. It is the ceiling a Fastify app on
 * this core can reach; Tremolo's fixed cost per request is measured against it.
 *
 * Usage: node --import tsx bench/peers/fastify-server.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
const me = {
  id: '0190a0b0-0000-7000-8000-000000000001',
  handle: 'bench_creator',
  displayName: 'bench_creator',
  avatarUrl: null,
  bio: '',
  links: [],
  locale: null,
  createdAt: new Date(0).toISOString(),
};
app.get('/api/v1/me', async () => me);
await app.listen({ port, host: '127.0.0.1' });
console.log(`listening ${port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
