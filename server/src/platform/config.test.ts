import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEV_WEBHOOK_SECRET, loadConfig } from './config.ts';

describe('configuration', () => {
  test('TRUST_PROXY takes a hop count or proxy addresses, never "trust everyone"', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24,::1' }).trustProxy, ['10.0.0.5', '10.0.1.0/24', '::1']);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /hop count|number of proxies/);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'my-proxy.example' }), /not an address/);
  });

  test('production refuses the published webhook secret', () => {
    assert.equal(loadConfig({}).paymentWebhookSecret, DEV_WEBHOOK_SECRET, 'fine for a local try-out');
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /PAYMENT_WEBHOOK_SECRET/);
    assert.throws(() => loadConfig({ PUBLIC_URL: 'https://tremolo.example' }), /PAYMENT_WEBHOOK_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', PAYMENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET }), /PAYMENT_WEBHOOK_SECRET/);
    assert.equal(loadConfig({ NODE_ENV: 'production', PAYMENT_WEBHOOK_SECRET: 's3cret-of-ours' }).paymentWebhookSecret, 's3cret-of-ours');
  });
});
