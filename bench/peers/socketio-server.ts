/**
 * The peer for bench/realtime.ts: a plain Socket.IO 4 server doing what people build with it,
 * one room per channel and `io.to(room).emit(...)` per message. Subscribers join a room; the
 * publisher emits `pub` with an ack, and the server stamps a per-room sequence (in memory: no
 * storage, no replay) so the generator can count losses the same way for both servers.
 * It checks only that the handshake names a user; Tremolo checks a session in Postgres.
 *
 * Usage: node --import tsx bench/peers/socketio-server.ts <port>
 * Prints `listening <port>` once it accepts connections.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

interface PubPayload {
  ch: string;
  cid: string;
  body: { kind: string; text: string; sentAt?: number };
}

type Ack = (reply: { seq?: number; head?: number; error?: string }) => void;

const port = Number(process.argv[2] ?? 0);
const http = createServer();
// Websocket only: the generator opens sockets directly, as most production Socket.IO setups do.
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
const heads = new Map<string, number>();

io.use((socket, next) => {
  const user: unknown = (socket.handshake.auth as { user?: unknown }).user;
  if (typeof user !== 'string' || user.length === 0) return next(new Error('unauthorized'));
  socket.data = { user };
  next();
});

io.on('connection', (socket) => {
  const user = (socket.data as { user: string }).user;
  socket.on('sub', (ch: unknown, ack: unknown) => {
    if (typeof ch !== 'string' || typeof ack !== 'function') return;
    void socket.join(ch);
    (ack as Ack)({ head: heads.get(ch) ?? 0 });
  });
  socket.on('head', (ch: unknown, ack: unknown) => {
    if (typeof ch === 'string' && typeof ack === 'function') (ack as Ack)({ head: heads.get(ch) ?? 0 });
  });
  socket.on('pub', (payload: PubPayload, ack: unknown) => {
    if (typeof ack !== 'function') return;
    if (!payload || typeof payload.ch !== 'string' || payload.body?.kind !== 'broadcast') return (ack as Ack)({ error: 'bad_request' });
    const seq = (heads.get(payload.ch) ?? 0) + 1;
    heads.set(payload.ch, seq);
    io.to(payload.ch).emit('ev', { t: 'ev', ch: payload.ch, seq, from: user, at: Date.now(), body: payload.body });
    (ack as Ack)({ seq });
  });
});

http.listen(port, '127.0.0.1', () => {
  console.log(`listening ${(http.address() as AddressInfo).port}`);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void io.close();
    process.exit(0);
  });
}
