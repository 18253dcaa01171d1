import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working local defaults for every setting', () => {
    const config = loadConfig({});
    assert.equal(config.api.port, 3000);
    assert.equal(config.partner.reviewSlaMs, 48 * 3600_000);
    assert.equal(config.partner.expiryMs, 14 * 24 * 3600_000);
    assert.deepEqual(config.workerDomains, ['accounts', 'catalog', 'billing', 'fulfilment']);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.api));
  });

  it('parses durations so tests can run weeks in seconds', () => {
    const config = loadConfig({ PARTNER_REVIEW_SLA: '1s', PARTNER_APPLICATION_EXPIRY: '3s' });
    assert.equal(config.partner.reviewSlaMs, 1000);
    assert.equal(config.partner.expiryMs, 3000);
  });

  it('fails fast naming every bad variable', () => {
    assert.throws(
      () => loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'not a url', PARTNER_REVIEW_SLA: 'soon' }),
      (err: Error) =>
        err instanceof ConfigError &&
        /API_PORT/.test(err.message) &&
        /DATABASE_URL/.test(err.message) &&
        /PARTNER_REVIEW_SLA/.test(err.message),
    );
    assert.throws(() => loadConfig({ WORKER_DOMAINS: 'billing,shipping' }), /unknown shipping/);
    assert.throws(() => loadConfig({ PARTNER_REVIEW_SLA: '20d' }), /shorter than/);
  });
});
