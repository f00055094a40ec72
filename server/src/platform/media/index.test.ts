import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSfu } from './index.ts';

test('MEDIA picks the SFU: werift by default, Janus only with its URL', async () => {
  const werift = await createSfu({ adapter: 'werift', janusUrl: undefined, announcedAddresses: [] });
  assert.equal(werift.name, 'werift');
  await werift.close();
  await assert.rejects(createSfu({ adapter: 'janus', janusUrl: undefined, announcedAddresses: [] }), /JANUS_URL/);
  // Constructing the Janus adapter does not connect yet (`start` does), so no Janus is needed here.
  const janus = await createSfu({ adapter: 'janus', janusUrl: 'ws://127.0.0.1:1', announcedAddresses: [] });
  assert.equal(janus.name, 'janus');
  await janus.close();
});
