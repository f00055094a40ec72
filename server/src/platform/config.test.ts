import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_WEBHOOK_SECRET, VARIABLES, configTable, loadConfig } from './config.ts';
import { configTableIn } from './config-docs.ts';

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

  test('WORKERS above 1 needs Redis and PostgreSQL: each worker is a node of its own', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.throws(() => loadConfig({ WORKERS: '2' }), /WORKERS: above 1 needs REDIS_URL and DATABASE_URL/);
    assert.throws(() => loadConfig({ WORKERS: '2', REDIS_URL: 'redis://r' }), /WORKERS: above 1 needs DATABASE_URL \(/);
    assert.throws(() => loadConfig({ WORKERS: '0' }), /WORKERS: must be a whole number of at least 1/);
    assert.equal(loadConfig({ WORKERS: '3', REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://p/db' }).workers, 3);
  });

  test('a bad value of any kind stops the start with the variable named', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /^Error: PORT: expected a number, got "eighty"$/);
    assert.throws(() => loadConfig({ SHOP_FLASH_GATE_MS: 'soon' }), /SHOP_FLASH_GATE_MS: expected a number/);
    assert.throws(() => loadConfig({ MATCH_FALLBACK_MS: '3s' }), /MATCH_FALLBACK_MS: expected a number/);
    assert.throws(() => loadConfig({ DATABASE_POOL_SIZE: '0' }), /DATABASE_POOL_SIZE: must be a positive number/);
    assert.throws(() => loadConfig({ FOLLOWS_PER_MIN: '-1' }), /FOLLOWS_PER_MIN: must be a positive number/);
    assert.throws(() => loadConfig({ COOKIE_SECURE: 'yes' }), /COOKIE_SECURE: expected true or false/);
    assert.throws(() => loadConfig({ MEDIA: 'mediasoup' }), /MEDIA: must be werift or janus/);
    assert.throws(() => loadConfig({ ICE_SERVERS: '[{"url":1}]' }), /ICE_SERVERS: does not have the expected shape/);
    assert.throws(() => loadConfig({ ICE_SERVERS: 'turn:x' }), /ICE_SERVERS: is not valid JSON/);
    assert.throws(() => loadConfig({ PORT: 'x', MEDIA: 'y' }), /PORT: .*; MEDIA: /, 'every mistake at once');
  });

  test('unset or empty is the default; set values are read', () => {
    const d = loadConfig({ PORT: '' });
    assert.equal(d.port, 8080);
    assert.equal(d.databasePoolSize, 20);
    assert.deepEqual(d.iceServers, []);
    assert.equal(d.shop.flashGateMs, 2000);
    assert.equal(d.match.fallbackMs, 3000);
    assert.equal(d.seedDemo, true);
    const c = loadConfig({
      ICE_SERVERS: '[{"urls":"turn:turn.example:3478","username":"u","credential":"p"}]',
      ADMIN_HANDLES: ' Mod_A, ,mod_b',
      SEED_DEMO: 'false',
      DATABASE_POOL_SIZE: '5',
    });
    assert.deepEqual(c.iceServers, [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'p' }]);
    assert.deepEqual(c.match.adminHandles, ['mod_a', 'mod_b']);
    assert.equal(c.seedDemo, false);
    assert.equal(c.databasePoolSize, 5);
  });

  test("README.md's Configuration table is the one the schema generates (npm run docs:config)", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    assert.equal(configTableIn(readme), configTable());
    for (const [name, v] of Object.entries(VARIABLES)) assert.ok(v.doc.length > 0, `${name} has a description`);
  });
});
