import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { ClientFrame, EventFrame, ServerFrame } from '@tremolo/protocol';
import { ChannelChat } from './chat.ts';
import { RealtimeClient, type SocketLike } from './realtime.ts';

const ME = '01a20eec-1b5d-733f-9d61-14dbe7f34dc3';
const PEER = '01a20eec-1b5d-733f-9d61-14dbe7f34dc4';
const CH = `dm:${ME}:${PEER}`;

class FakeSocket implements SocketLike {
  readyState = 1;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: ClientFrame[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(): void {
    this.drop(1000);
  }
  deliver(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  open(head: number): void {
    this.deliver({ t: 'hello', v: 1, userId: ME, serverTime: Date.now(), heartbeatMs: 15_000 });
    this.deliver({ t: 'subbed', ch: CH, head });
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  pubs(): Extract<ClientFrame, { t: 'pub' }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { t: 'pub' }> => f.t === 'pub');
  }
}

const chat = (seq: number, from: string, text: string): EventFrame => ({
  t: 'ev',
  ch: CH,
  seq,
  from,
  at: seq,
  body: { kind: 'chat', text },
});
const flush = () => new Promise((r) => setImmediate(r));

describe('ChannelChat delivery', () => {
  let sockets: FakeSocket[];
  let client: RealtimeClient;
  let c: ChannelChat;
  const last = () => sockets[sockets.length - 1]!;
  let connected: (() => void) | null = null;
  /** Resolves once the client has opened a socket after `prev` (its reconnect timer fired). */
  const reconnectedAfter = (prev: FakeSocket): Promise<void> =>
    last() !== prev ? Promise.resolve() : new Promise((resolve) => (connected = resolve));
  const states = () =>
    c
      .getSnapshot()
      .items.map((i) =>
        i.type === 'outbox'
          ? `${i.state}:${i.body.kind === 'chat' ? i.body.text : ''}`
          : `${i.seq}:${i.body.kind === 'chat' ? i.body.text : i.body.kind}`,
      );

  beforeEach(() => {
    mock.method(
      globalThis,
      'fetch',
      async () => new Response(JSON.stringify({ items: [chat(1, PEER, 'hello')], head: 1 }), { status: 200 }),
    );
    mock.method(console, 'warn', () => undefined);
    sockets = [];
    client = new RealtimeClient({
      url: 'ws://test',
      minDelayMs: 1,
      maxDelayMs: 2,
      connect: () => {
        const s = new FakeSocket();
        sockets.push(s);
        queueMicrotask(() => connected?.());
        return s;
      },
    });
    c = new ChannelChat(client, CH, { type: 'dm', handle: 'peer' }, ME);
  });

  afterEach(() => {
    c.stop();
    client.stop();
    mock.restoreAll();
  });

  test('a message is pending until acked, then sent; its echo is not shown twice', async () => {
    c.start();
    client.start();
    last().open(1);
    await flush();
    assert.deepEqual(states(), ['1:hello']);
    c.send({ kind: 'chat', text: 'hi there' });
    assert.deepEqual(states(), ['1:hello', 'pending:hi there']);
    const [pub] = last().pubs();
    assert.ok(pub);
    last().deliver({ t: 'ack', ch: CH, cid: pub.cid, seq: 2 });
    await flush();
    assert.deepEqual(states(), ['1:hello', '2:hi there']);
    last().deliver(chat(2, ME, 'hi there'));
    last().deliver(chat(2, ME, 'hi there'));
    assert.deepEqual(states(), ['1:hello', '2:hi there'], 'deduplicated by sequence');
  });

  test('the echo arriving before the ack replaces the pending copy', async () => {
    c.start();
    client.start();
    last().open(1);
    await flush();
    c.send({ kind: 'chat', text: 'fast' });
    last().deliver(chat(2, ME, 'fast'));
    assert.deepEqual(states(), ['1:hello', '2:fast']);
    last().deliver({ t: 'ack', ch: CH, cid: last().pubs()[0]!.cid, seq: 2 });
    await flush();
    assert.deepEqual(states(), ['1:hello', '2:fast']);
  });

  test('unacknowledged messages are sent again with the same cid after a reconnect', async () => {
    c.start();
    client.start();
    last().open(1);
    await flush();
    c.send({ kind: 'chat', text: 'are you there?' });
    const first = last().pubs()[0]!;
    last().drop(1006);
    await flush();
    assert.deepEqual(states(), ['1:hello', 'pending:are you there?'], 'still pending, not failed');
    // Written while offline: queued, nothing on the wire.
    c.send({ kind: 'chat', text: 'hello?' });
    await reconnectedAfter(sockets[0]!);
    const s = last();
    assert.notEqual(s, sockets[0]);
    s.open(1);
    await flush();
    const again = s.pubs();
    assert.deepEqual(
      again.map((p) => p.cid),
      [first.cid, again[1]!.cid],
    );
    assert.ok(
      s.sent.some((f) => f.t === 'sub' && f.since === 1),
      'resubscribed with the last sequence seen',
    );
    s.deliver({ t: 'ack', ch: CH, cid: first.cid, seq: 2 });
    s.deliver({ t: 'ack', ch: CH, cid: again[1]!.cid, seq: 3 });
    await flush();
    assert.deepEqual(states(), ['1:hello', '2:are you there?', '3:hello?']);
  });

  test("a refusal shows the server's reason and can be retried under the same cid", async () => {
    c.start();
    client.start();
    last().open(1);
    await flush();
    c.send({ kind: 'chat', text: 'blocked?' });
    const pub = last().pubs()[0]!;
    last().deliver({ t: 'err', code: 'blocked', message: 'You cannot message this person', ref: pub.cid });
    await flush();
    const item = c.getSnapshot().items.at(-1)!;
    assert.equal(item.type, 'outbox');
    assert.equal(item.type === 'outbox' && item.state, 'failed');
    assert.equal(item.type === 'outbox' && item.error?.code, 'blocked');
    assert.equal(item.type === 'outbox' && item.error?.message, 'You cannot message this person');
    c.retry(pub.cid);
    assert.equal(last().pubs()[1]!.cid, pub.cid);
  });
});
