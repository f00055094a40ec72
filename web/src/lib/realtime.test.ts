import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { ClientFrame, EventFrame, ServerFrame } from '@tremolo/protocol';
import { RealtimeClient, type SocketLike } from './realtime.ts';

const USER = '01a20eec-1b5d-733f-9d61-14dbe7f34dc3';
const CH = `user:${USER}`;

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
  /** The server sends a frame (or any JSON, to test what does not match the protocol). */
  deliver(frame: ServerFrame | Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  hello(): void {
    this.deliver({ t: 'hello', v: 1, userId: USER, serverTime: Date.now(), heartbeatMs: 15_000 });
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

function notification(seq: number, id = `01a20eec-57ec-7b0d-978b-e78a411c48${String(seq).padStart(2, '0')}`): EventFrame {
  return {
    t: 'ev',
    ch: CH,
    seq,
    from: null,
    at: 0,
    body: {
      kind: 'notification',
      notification: {
        id,
        read: false,
        createdAt: new Date(0).toISOString(),
        payload: { kind: 'followed', actor: { id: USER, handle: 'alice', displayName: 'Alice', avatarUrl: null } },
      },
    },
  };
}

describe('RealtimeClient', () => {
  let sockets: FakeSocket[];
  let client: RealtimeClient;
  const last = () => sockets[sockets.length - 1]!;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    mock.method(Math, 'random', () => 1); // the longest delay of each backoff step
    mock.method(console, 'warn', () => undefined);
    sockets = [];
    client = new RealtimeClient({
      url: 'ws://test',
      connect: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
    });
  });

  afterEach(() => {
    client.stop();
    mock.timers.reset();
    mock.restoreAll();
  });

  test('subscribes after hello, delivers events and batches in order, drops repeats', () => {
    const seen: number[] = [];
    let ready = 0;
    client.subscribe(
      CH,
      (ev) => seen.push(ev.seq ?? -1),
      () => ready++,
    );
    client.start();
    assert.deepEqual(last().sent, [], 'nothing is sent before the server says hello');
    last().hello();
    assert.deepEqual(last().sent, [{ t: 'sub', ch: CH }]);
    last().deliver({ t: 'subbed', ch: CH, head: 3 });
    assert.equal(ready, 1);
    last().deliver(notification(4));
    last().deliver(notification(4));
    last().deliver({ t: 'batch', events: [notification(5), notification(6)] });
    assert.deepEqual(seen, [4, 5, 6]);
    assert.equal(client.currentStatus, 'open');
  });

  test('a second listener on a confirmed channel is told it is ready without another subscription', async () => {
    client.subscribe(CH, () => undefined);
    client.start();
    last().hello();
    last().deliver({ t: 'subbed', ch: CH, head: 0 });
    let ready = 0;
    client.subscribe(
      CH,
      () => undefined,
      () => ready++,
    );
    await Promise.resolve();
    assert.equal(ready, 1);
    assert.deepEqual(last().sent, [{ t: 'sub', ch: CH }], 'one subscription on the wire');
  });

  test('reconnects with backoff and resumes from the last sequence, counting unknown kinds', () => {
    const seen: number[] = [];
    client.subscribe(CH, (ev) => seen.push(ev.seq ?? -1));
    client.start();
    last().hello();
    last().deliver({ t: 'subbed', ch: CH, head: 0 });
    last().deliver(notification(1));
    // A kind this bundle does not know: skipped, but its sequence is not asked for again.
    last().deliver({ t: 'ev', ch: CH, seq: 2, from: null, at: 0, body: { kind: 'from_the_future' } });
    assert.deepEqual(seen, [1]);

    last().drop(1006);
    assert.equal(client.currentStatus, 'reconnecting');
    assert.equal(sockets.length, 1);
    mock.timers.tick(499);
    assert.equal(sockets.length, 1);
    mock.timers.tick(1);
    assert.equal(sockets.length, 2, 'first retry after 0.5 s');

    last().drop(1006); // the server is still down
    mock.timers.tick(999);
    assert.equal(sockets.length, 2);
    mock.timers.tick(1);
    assert.equal(sockets.length, 3, 'second retry after 1 s');

    last().hello();
    assert.deepEqual(last().sent, [{ t: 'sub', ch: CH, since: 2 }]);
    last().deliver({ t: 'subbed', ch: CH, head: 3 });
    last().deliver(notification(3));
    assert.deepEqual(seen, [1, 3]);

    last().drop(1006);
    mock.timers.tick(500);
    assert.equal(sockets.length, 4, 'a successful hello resets the backoff');
  });

  test('an unsupported protocol version stops retrying', () => {
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    client.start();
    last().drop(4000);
    mock.timers.tick(60_000);
    assert.equal(sockets.length, 1);
    assert.equal(client.currentStatus, 'outdated');
    assert.deepEqual(statuses, ['closed', 'connecting', 'outdated']);
  });

  test('closed for newer sockets of the session: no reconnect of its own, until resumed', () => {
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    client.start();
    last().hello();
    last().drop(4011);
    mock.timers.tick(60_000);
    assert.equal(sockets.length, 1, 'reconnecting would close a newer tab in turn');
    assert.equal(client.currentStatus, 'displaced');
    client.resume();
    assert.equal(sockets.length, 2);
    last().hello();
    assert.equal(client.currentStatus, 'open');
    assert.deepEqual(statuses, ['closed', 'connecting', 'open', 'displaced', 'connecting', 'open']);
  });

  test('pings while open and replaces a link that went silent', () => {
    client.start();
    last().hello();
    mock.timers.tick(7_500);
    assert.equal(last().sent.filter((f) => f.t === 'ping').length, 1);
    mock.timers.tick(7_500 * 2);
    assert.equal(client.currentStatus, 'open', 'still within the silence allowance');
    mock.timers.tick(7_500);
    assert.equal(client.currentStatus, 'reconnecting', 'three silent intervals');
    mock.timers.tick(500);
    assert.equal(sockets.length, 2);
    mock.timers.tick(10_000);
    assert.equal(sockets.length, 2, 'exactly one retry is scheduled');
  });

  test('the last listener to leave unsubscribes', () => {
    client.start();
    last().hello();
    const offA = client.subscribe(CH, () => undefined);
    const offB = client.subscribe(CH, () => undefined);
    offA();
    assert.deepEqual(last().sent, [{ t: 'sub', ch: CH }]);
    offB();
    assert.deepEqual(last().sent, [
      { t: 'sub', ch: CH },
      { t: 'unsub', ch: CH },
    ]);
  });
});
