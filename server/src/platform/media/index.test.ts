import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSfu } from './index.ts';
import { WeriftSfu } from './werift/index.ts';
import { WeriftWorkerSfu } from './werift/thread.ts';

test('MEDIA picks the SFU: werift by default (on a worker thread unless MEDIA_WORKER=false), Janus only with its URL', async () => {
  const werift = await createSfu({ adapter: 'werift', janusUrl: undefined, announcedAddresses: [], weriftWorker: true });
  assert.equal(werift.name, 'werift');
  assert.ok(werift instanceof WeriftWorkerSfu);
  await werift.close();
  const inline = await createSfu({ adapter: 'werift', janusUrl: undefined, announcedAddresses: [], weriftWorker: false });
  assert.ok(inline instanceof WeriftSfu);
  await inline.close();
  await assert.rejects(createSfu({ adapter: 'janus', janusUrl: undefined, announcedAddresses: [], weriftWorker: true }), /JANUS_URL/);
  // Constructing the Janus adapter does not connect yet (`start` does), so no Janus is needed here.
  const janus = await createSfu({ adapter: 'janus', janusUrl: 'ws://127.0.0.1:1', announcedAddresses: [], weriftWorker: true });
  assert.equal(janus.name, 'janus');
  await janus.close();
});
