import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, scrub } from './logger';

/** A logger writing into a string, as the processes' loggers write to stdout. */
function capture() {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { log: createLogger('test', 'info', stream), text: () => out };
}

// Every value below is a secret: none may appear in the output, wherever and however it was nested.
const secrets = {
  tossSecretKey: 'test_sk_SECRET_toss_key_0001',
  payloadKey: 'UEFZTE9BRC1LRVktU0VDUkVULTAwMDAwMDAwMDA=',
  billingKeySecret: 'QklMTElORy1TRUNSRVQtMDAwMDAwMDAwMDAwMDA=',
  billingKey: 'bk_SECRET_billing_key_0003',
  billingKeyEnc: 'v1:dev:SECRET-sealed-0004',
  authKey: 'auth_SECRET_0005',
  customerKey: 'ck_SECRET_customer_0006',
  cardNumber: '4330123412349999',
  cardPassword: '42',
  password: 'hunter2-SECRET-0007',
  newPassword: 'correct-horse-SECRET-0008',
  passwordHash: '$scrypt$SECRET-0009',
  cookie: 'dalgona_sid=SECRET-session-0010',
  setCookie: 'dalgona_sid=SECRET-session-0011; HttpOnly',
  authorization: 'Basic SECRET-basic-0012',
  bearer: 'Bearer SECRET-metrics-token-0013',
  csrf: 'SECRET-csrf-0014',
  adminPassword: 'SECRET-admin-0015',
  databaseUrl: 'postgres://dalgona_worker:SECRET-db-0016@db/dalgona',
};

describe('log redaction', () => {
  it('blanks credentials, keys, card data, cookies and authorization headers at any depth', () => {
    const { log, text } = capture();
    const s = secrets;
    // What a careless line could carry: a config, a provider request, an incoming request, an env dump, an error.
    log.info({
      config: {
        toss: { secretKey: s.tossSecretKey, apiUrl: 'https://api.tosspayments.com' },
        payloadKeys: { keys: [{ id: 'k1', key: s.payloadKey }], activeId: 'k1' },
        billingKeys: { secrets: [{ id: 'b1', key: s.billingKeySecret }], activeId: 'b1' },
        admin: { email: 'admin@dalgona.local', password: s.adminPassword },
        databaseUrl: s.databaseUrl,
      },
    });
    log.info({
      request: {
        body: { billingKey: s.billingKey, customerKey: s.customerKey, authKey: s.authKey },
        headers: { Authorization: s.authorization, 'content-type': 'application/json' },
      },
      card: { cardNumber: s.cardNumber, cardPassword: s.cardPassword },
      row: { billingKeyEnc: s.billingKeyEnc },
    });
    log.info({
      req: { headers: { cookie: s.cookie, authorization: s.bearer, 'x-csrf-token': s.csrf } },
      res: { headers: { 'set-cookie': [s.setCookie] } },
    });
    log.warn({
      signUp: { password: s.password, passwordHash: s.passwordHash },
      change: { newPassword: s.newPassword },
    });
    log.info({
      env: { TOSS_SECRET_KEY: s.tossSecretKey, PAYLOAD_KEYS: `k1:${s.payloadKey}`, METRICS_TOKEN: s.bearer },
    });
    log.error({
      err: Object.assign(new Error('provider said no'), { headers: { authorization: s.authorization } }),
    });
    log.flush();
    const out = text();
    assert.equal(out.trim().split('\n').length, 6, 'six lines written');
    // A short secret (a card password's two digits) is looked for as a whole value: as a bare substring it turns up in
    // any timestamp or pid by chance.
    for (const [name, value] of Object.entries(s)) {
      const needle = value.length < 6 ? JSON.stringify(value) : value;
      assert.ok(!out.includes(needle), `${name} leaked: ${out}`);
    }
    // Only the secrets went: the rest of each line is still there to read.
    assert.match(out, /api\.tosspayments\.com/);
    assert.match(out, /admin@dalgona\.local/);
    assert.match(out, /provider said no/);
    assert.match(out, /\[redacted\]/);
  });

  it("never changes the caller's objects, and returns clean ones as they are", () => {
    const clean = { orderId: 'o1', nested: { amount: 1000, at: new Date(0) } };
    assert.equal(scrub(clean), clean);
    const dirty = { a: { billingKey: secrets.billingKey } };
    const scrubbed = scrub(dirty) as typeof dirty;
    assert.equal(dirty.a.billingKey, secrets.billingKey);
    assert.equal(scrubbed.a.billingKey, '[redacted]');
  });
});
