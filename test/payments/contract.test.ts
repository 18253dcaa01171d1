// The client against the sandbox: each test names the documented Toss behaviour it checks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTossClient, type TossClient } from '../../payments/client';
import {
  TossConfigurationError,
  type TossError,
  TossInvalidRequestError,
  TossNeedsNewCardError,
  TossNotFoundError,
  TossRetryLaterError,
  TossTransientError,
  TossUnknownOutcomeError,
} from '../../payments/errors';
import type { TossPayment } from '../../payments/types';
import { startSandbox, TEST_SECRET_KEY, type Sandbox } from '../sandbox';

let sandbox: Sandbox;
let toss: TossClient;
before(async () => {
  sandbox = await startSandbox();
  toss = createTossClient({ baseUrl: sandbox.url, secretKey: TEST_SECRET_KEY, readTimeoutMs: 2000 });
});
after(async () => {
  await toss.close();
  await sandbox.stop();
});

const customer = () => `cust_${randomUUID()}`;
const order = () => `ord_${randomUUID().replace(/-/g, '')}`;

async function billingFor(cardNumber?: string) {
  const customerKey = customer();
  const authKey = await sandbox.authKey(customerKey, cardNumber);
  const billing = await toss.issueBillingKey({ authKey, customerKey });
  return { customerKey, billingKey: billing.billingKey, billing };
}

async function rejects<T extends TossError>(
  p: Promise<unknown>,
  type: new (...a: never[]) => T,
  code: string,
): Promise<T> {
  try {
    await p;
  } catch (err) {
    assert.ok(
      err instanceof type,
      `expected ${type.name}, got ${(err as Error).name}: ${(err as Error).message}`,
    );
    assert.equal((err as TossError).code, code);
    return err as T;
  }
  assert.fail(`expected ${code}`);
}

describe('Toss contract: authentication', () => {
  it('refuses a secret key that is not a test_sk_ key with 401 UNAUTHORIZED_KEY (a configuration error)', async () => {
    const bad = createTossClient({ baseUrl: sandbox.url, secretKey: 'live_sk_not_here_000' });
    const err = await rejects(
      bad.getPaymentByOrderId('order-123'),
      TossConfigurationError,
      'UNAUTHORIZED_KEY',
    );
    assert.equal(err.status, 401);
    await bad.close();
  });

  it('refuses Basic auth without the trailing colon with 403 INCORRECT_BASIC_AUTH_FORMAT', async () => {
    const res = await fetch(`${sandbox.url}/v1/payments/orders/order-123`, {
      headers: { authorization: `Basic ${Buffer.from(TEST_SECRET_KEY).toString('base64')}` },
    });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      code: 'INCORRECT_BASIC_AUTH_FORMAT',
      message: "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요.",
    });
  });
});

describe('Toss contract: billing keys', () => {
  it('issues a billing key for the authKey from the card window, bound to its customerKey, with the card masked', async () => {
    const { billing, customerKey } = await billingFor();
    assert.equal(billing.customerKey, customerKey);
    assert.equal(billing.method, '카드');
    assert.match(billing.card.number, /^\d{8}\*{4}\d{3}\*$/);
    assert.match(billing.authenticatedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
  });

  it('an authKey is single-use: a second issue gets 404 NOT_FOUND_BILLING', async () => {
    const customerKey = customer();
    const authKey = await sandbox.authKey(customerKey);
    await toss.issueBillingKey({ authKey, customerKey });
    const err = await rejects(
      toss.issueBillingKey({ authKey, customerKey }),
      TossNeedsNewCardError,
      'NOT_FOUND_BILLING',
    );
    assert.equal(err.status, 404);
  });

  it('a billing key charges only for its own customerKey (400 NOT_MATCHES_CUSTOMER_KEY)', async () => {
    const { billingKey } = await billingFor();
    await rejects(
      toss.chargeBillingKey(billingKey, {
        customerKey: customer(),
        amount: 10000,
        orderId: order(),
        orderName: 'Beans',
      }),
      TossConfigurationError,
      'NOT_MATCHES_CUSTOMER_KEY',
    );
  });
});

describe('Toss contract: deleting a billing key', () => {
  it('DELETE /v1/billing/{billingKey} deletes it: never charged again; deleting it again or an unknown key is done', async () => {
    const { billingKey, customerKey } = await billingFor();
    assert.deepEqual(await toss.deleteBillingKey(billingKey), { deleted: true });
    assert.deepEqual(await toss.deleteBillingKey(billingKey), { deleted: false });
    assert.deepEqual(await toss.deleteBillingKey(`bil_${randomUUID()}`), { deleted: false });
    await rejects(
      toss.chargeBillingKey(billingKey, { customerKey, amount: 10000, orderId: order(), orderName: 'Beans' }),
      TossNeedsNewCardError,
      'ALREADY_REMOVED_BILLING_KEY',
    );
  });

  it('a deletion Toss does not answer is transient (repeating it is safe)', async () => {
    const { billingKey } = await billingFor();
    const dead = createTossClient({ baseUrl: 'http://127.0.0.1:9', secretKey: TEST_SECRET_KEY });
    try {
      await rejects(dead.deleteBillingKey(billingKey), TossTransientError, 'CONNECT_FAILED');
    } finally {
      await dead.close();
    }
  });
});

describe('Toss contract: charging a billing key', () => {
  it('answers a DONE BILLING Payment object (version 2022-11-16) with VAT, card and receipt', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const p = await toss.chargeBillingKey(billingKey, {
      customerKey,
      amount: 16000,
      orderId,
      orderName: '에티오피아 200g',
      customerName: '김고객',
    });
    assert.equal(p.status, 'DONE');
    assert.equal(p.type, 'BILLING');
    assert.equal(p.version, '2022-11-16');
    assert.equal(p.currency, 'KRW');
    assert.equal(p.method, '카드');
    assert.equal(p.orderId, orderId);
    assert.equal(p.totalAmount, 16000);
    assert.equal(p.balanceAmount, 16000);
    assert.equal(p.vat, 1455);
    assert.equal(p.suppliedAmount + p.vat, 16000);
    assert.equal(p.cancels, null);
    assert.match(p.approvedAt!, /\+09:00$/);
    assert.match(p.card!.number, /\*/);
    assert.equal(p.card!.amount, 16000);
    assert.ok(p.receipt?.url.endsWith(`/receipts/${p.paymentKey}`));
    for (const field of [
      'mId',
      'lastTransactionKey',
      'requestedAt',
      'useEscrow',
      'isPartialCancelable',
      'taxFreeAmount',
      'country',
    ]) {
      assert.ok(field in p, `Payment has ${field}`);
    }
  });

  it('validates as Toss does: orderId 6–64 of [A-Za-z0-9_=-], orderName ≤ 100, amount ≥ 100', async () => {
    const { billingKey, customerKey } = await billingFor();
    const charge = (over: object) =>
      toss.chargeBillingKey(billingKey, {
        customerKey,
        amount: 10000,
        orderId: order(),
        orderName: 'Beans',
        ...over,
      });
    await rejects(charge({ orderId: 'abc' }), TossInvalidRequestError, 'INVALID_ORDER_ID');
    await rejects(charge({ orderId: 'bad order id!' }), TossInvalidRequestError, 'INVALID_ORDER_ID');
    await rejects(charge({ orderName: 'x'.repeat(101) }), TossInvalidRequestError, 'INVALID_ORDER_NAME');
    await rejects(charge({ amount: 50 }), TossInvalidRequestError, 'BELOW_MINIMUM_AMOUNT');
    await rejects(charge({ amount: 0 }), TossInvalidRequestError, 'BELOW_ZERO_AMOUNT');
  });

  const declines: [string, string, new (...a: never[]) => TossError, number][] = [
    ['4000000000000002', 'REJECT_CARD_PAYMENT', TossRetryLaterError, 403],
    ['4000000000000010', 'REJECT_CARD_COMPANY', TossRetryLaterError, 403],
    ['4000000000000028', 'EXCEED_MAX_DAILY_PAYMENT_COUNT', TossRetryLaterError, 400],
    ['4000000000000036', 'EXCEED_MAX_PAYMENT_AMOUNT', TossRetryLaterError, 400],
    ['4000000000000044', 'INVALID_STOPPED_CARD', TossNeedsNewCardError, 400],
    ['4000000000000051', 'INVALID_CARD_EXPIRATION', TossNeedsNewCardError, 400],
    ['4000000000000069', 'INVALID_CARD_LOST_OR_STOLEN', TossNeedsNewCardError, 400],
    ['4000000000000077', 'INVALID_REJECT_CARD', TossNeedsNewCardError, 400],
  ];
  for (const [card, code, type, status] of declines) {
    it(`declines test card ${card} with ${status} ${code} (${type.name})`, async () => {
      const { billingKey, customerKey } = await billingFor(card);
      const orderId = order();
      const err = await rejects(
        toss.chargeBillingKey(billingKey, { customerKey, amount: 12000, orderId, orderName: 'Beans' }),
        type,
        code,
      );
      assert.equal(err.status, status);
      // A decline is not a payment: the order is not found, and nothing is in the ledger.
      await rejects(toss.getPaymentByOrderId(orderId), TossNotFoundError, 'NOT_FOUND_PAYMENT');
      assert.deepEqual((await sandbox.charges({ orderId })).payments, []);
    });
  }

  it('a card that declines once approves the retry of the same order (dunning recovers)', async () => {
    const { billingKey, customerKey } = await billingFor('4000000000000085');
    const orderId = order();
    const req = { customerKey, amount: 12000, orderId, orderName: 'Beans' };
    await rejects(
      toss.chargeBillingKey(billingKey, req, { idempotencyKey: `${orderId}-1` }),
      TossRetryLaterError,
      'REJECT_CARD_PAYMENT',
    );
    const p = await toss.chargeBillingKey(billingKey, req, { idempotencyKey: `${orderId}-2` });
    assert.equal(p.status, 'DONE');
  });

  it('simulates any documented error with the TossPayments-Test-Code header (test keys only)', async () => {
    const { billingKey, customerKey } = await billingFor();
    const req = { customerKey, amount: 12000, orderId: order(), orderName: 'Beans' };
    await rejects(
      toss.chargeBillingKey(billingKey, req, {
        headers: { 'TossPayments-Test-Code': 'EXCEED_MAX_PAYMENT_AMOUNT' },
      }),
      TossRetryLaterError,
      'EXCEED_MAX_PAYMENT_AMOUNT',
    );
    await rejects(
      toss.chargeBillingKey(billingKey, req, { headers: { 'TossPayments-Test-Code': 'NO_SUCH_CODE' } }),
      TossInvalidRequestError,
      'INVALID_TEST_CODE',
    );
  });
});

describe('Toss contract: idempotency', () => {
  it('replays the first response for the same Idempotency-Key and charges once', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const req = { customerKey, amount: 15000, orderId, orderName: 'Beans' };
    const first = await toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` });
    const again = await toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` });
    assert.deepEqual(again, first);
    assert.equal((await sandbox.charges({ orderId })).payments.length, 1);
  });

  it('replays the first answer byte for byte (status, content type and body as first sent)', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const send = () =>
      fetch(`${sandbox.url}/v1/billing/${encodeURIComponent(billingKey)}`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${TEST_SECRET_KEY}:`).toString('base64')}`,
          'content-type': 'application/json',
          'idempotency-key': `raw-${orderId}`,
        },
        body: JSON.stringify({ customerKey, amount: 15000, orderId, orderName: 'Beans' }),
      });
    const first = await send();
    const firstBytes = Buffer.from(await first.arrayBuffer());
    assert.equal(first.status, 200);
    const again = await send();
    const againBytes = Buffer.from(await again.arrayBuffer());
    assert.equal(again.status, first.status);
    assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
    assert.equal(againBytes.toString('utf8'), firstBytes.toString('utf8'));
    assert.ok(againBytes.equals(firstBytes));
    assert.equal(JSON.parse(firstBytes.toString('utf8')).orderId, orderId);
    assert.equal((await sandbox.charges({ orderId })).payments.length, 1);
  });

  it('replays a declined answer too, rather than charging again under the same key', async () => {
    const { billingKey, customerKey } = await billingFor('4000000000000085');
    const orderId = order();
    const req = { customerKey, amount: 15000, orderId, orderName: 'Beans' };
    await rejects(
      toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` }),
      TossRetryLaterError,
      'REJECT_CARD_PAYMENT',
    );
    await rejects(
      toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` }),
      TossRetryLaterError,
      'REJECT_CARD_PAYMENT',
    );
  });

  it('refuses a different body under the same key', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    await toss.chargeBillingKey(
      billingKey,
      { customerKey, amount: 15000, orderId, orderName: 'Beans' },
      { idempotencyKey: `k-${orderId}` },
    );
    const err = await rejects(
      toss.chargeBillingKey(
        billingKey,
        { customerKey, amount: 99000, orderId, orderName: 'Beans' },
        { idempotencyKey: `k-${orderId}` },
      ),
      TossInvalidRequestError,
      'INVALID_REQUEST',
    );
    assert.equal(err.status, 400);
  });

  it('answers 409 IDEMPOTENT_REQUEST_PROCESSING to a same-key request while the first is in flight', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const req = { customerKey, amount: 15000, orderId, orderName: 'Beans' };
    await sandbox.setFaults({ latencyMs: 500 });
    try {
      const first = toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` });
      await new Promise((r) => setTimeout(r, 150)); // the first now holds the key, slowed inside the provider
      const err = await rejects(
        toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` }),
        TossTransientError,
        'IDEMPOTENT_REQUEST_PROCESSING',
      );
      assert.equal(err.status, 409);
      assert.equal((await first).status, 'DONE');
      assert.equal((await sandbox.charges({ orderId })).payments.length, 1);
    } finally {
      await sandbox.setFaults({});
    }
  });

  it('refuses an Idempotency-Key longer than 300 characters (400 INVALID_IDEMPOTENCY_KEY)', async () => {
    const { billingKey, customerKey } = await billingFor();
    await rejects(
      toss.chargeBillingKey(
        billingKey,
        { customerKey, amount: 15000, orderId: order(), orderName: 'Beans' },
        { idempotencyKey: 'k'.repeat(301) },
      ),
      TossInvalidRequestError,
      'INVALID_IDEMPOTENCY_KEY',
    );
  });

  it('refuses a reused orderId under another key with 400 DUPLICATED_ORDER_ID (an unknown outcome: look it up)', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const req = { customerKey, amount: 15000, orderId, orderName: 'Beans' };
    const first = await toss.chargeBillingKey(billingKey, req);
    await rejects(toss.chargeBillingKey(billingKey, req), TossUnknownOutcomeError, 'DUPLICATED_ORDER_ID');
    assert.equal((await toss.getPaymentByOrderId(orderId)).paymentKey, first.paymentKey);
  });
});

describe('Toss contract: lookups', () => {
  it('finds a payment by orderId and by paymentKey; 404 NOT_FOUND_PAYMENT otherwise', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const p = await toss.chargeBillingKey(billingKey, {
      customerKey,
      amount: 15000,
      orderId,
      orderName: 'Beans',
    });
    assert.deepEqual(await toss.getPaymentByOrderId(orderId), p);
    assert.deepEqual(await toss.getPayment(p.paymentKey), p);
    const err = await rejects(toss.getPaymentByOrderId(order()), TossNotFoundError, 'NOT_FOUND_PAYMENT');
    assert.equal(err.status, 404);
  });

  it('after a lost response, the lookup by orderId finds the charge and a retry with the key replays it', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const req = { customerKey, amount: 15000, orderId, orderName: 'Beans' };
    await sandbox.setFaults({ lostResponseRate: 1 });
    try {
      await rejects(
        toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` }),
        TossUnknownOutcomeError,
        'NETWORK_ERROR',
      );
    } finally {
      await sandbox.setFaults({});
    }
    const found = await toss.getPaymentByOrderId(orderId);
    assert.equal(found.status, 'DONE');
    const replay = await toss.chargeBillingKey(billingKey, req, { idempotencyKey: `k-${orderId}` });
    assert.equal(replay.paymentKey, found.paymentKey);
    assert.equal((await sandbox.charges({ orderId })).payments.length, 1);
  });
});

describe('Toss contract: cancels', () => {
  async function paid(amount = 20000): Promise<TossPayment> {
    const { billingKey, customerKey } = await billingFor();
    return toss.chargeBillingKey(billingKey, { customerKey, amount, orderId: order(), orderName: 'Beans' });
  }

  it('cancels partly (PARTIAL_CANCELED, balance and VAT follow) and then the rest; past zero is NOT_CANCELABLE_AMOUNT', async () => {
    const p = await paid(20000);
    const part = await toss.cancelPayment(
      p.paymentKey,
      { cancelReason: '원두 하나 파손', cancelAmount: 5000 },
      { idempotencyKey: `c1-${p.paymentKey}` },
    );
    assert.equal(part.status, 'PARTIAL_CANCELED');
    assert.equal(part.balanceAmount, 15000);
    assert.equal(part.vat, 1364);
    assert.equal(part.cancels?.length, 1);
    assert.equal(part.cancels?.[0]?.refundableAmount, 15000);
    assert.notEqual(part.lastTransactionKey, p.lastTransactionKey);
    const rest = await toss.cancelPayment(p.paymentKey, { cancelReason: '구독 해지', cancelAmount: 15000 });
    assert.equal(rest.status, 'PARTIAL_CANCELED'); // as Toss: partial cancels down to zero stay PARTIAL_CANCELED
    assert.equal(rest.balanceAmount, 0);
    const err = await rejects(
      toss.cancelPayment(p.paymentKey, { cancelReason: 'again', cancelAmount: 1 }),
      TossInvalidRequestError,
      'NOT_CANCELABLE_AMOUNT',
    );
    assert.equal(err.status, 403);
  });

  it('cancels fully in one go (CANCELED); a second cancel is ALREADY_CANCELED_PAYMENT', async () => {
    const p = await paid();
    const full = await toss.cancelPayment(p.paymentKey, { cancelReason: '주문 취소' });
    assert.equal(full.status, 'CANCELED');
    assert.equal(full.balanceAmount, 0);
    await rejects(
      toss.cancelPayment(p.paymentKey, { cancelReason: 'again' }),
      TossInvalidRequestError,
      'ALREADY_CANCELED_PAYMENT',
    );
  });

  it('refuses a refund past the balance (403 NOT_CANCELABLE_AMOUNT) and a cancel without a reason', async () => {
    const p = await paid(10000);
    await rejects(
      toss.cancelPayment(p.paymentKey, { cancelReason: 'too much', cancelAmount: 10001 }),
      TossInvalidRequestError,
      'NOT_CANCELABLE_AMOUNT',
    );
    await rejects(
      toss.cancelPayment(p.paymentKey, { cancelReason: '' }),
      TossInvalidRequestError,
      'INVALID_REQUEST',
    );
    await rejects(
      toss.cancelPayment('tsbx_nope_000', { cancelReason: 'x' }),
      TossNotFoundError,
      'NOT_FOUND_PAYMENT',
    );
  });
});

describe('Toss client: every injected fault is classified', () => {
  it('a 5xx on a charge is an unknown outcome; on a lookup it is transient', async () => {
    const { billingKey, customerKey } = await billingFor();
    await sandbox.setFaults({ failRate: 1 });
    try {
      const err = await rejects(
        toss.chargeBillingKey(billingKey, {
          customerKey,
          amount: 15000,
          orderId: order(),
          orderName: 'Beans',
        }),
        TossUnknownOutcomeError,
        'FAILED_INTERNAL_SYSTEM_PROCESSING',
      );
      assert.equal(err.status, 500);
      await rejects(
        toss.getPaymentByOrderId(order()),
        TossTransientError,
        'FAILED_INTERNAL_SYSTEM_PROCESSING',
      );
    } finally {
      await sandbox.setFaults({});
    }
  });

  it('a timeout is an unknown outcome (TIMEOUT); nothing was charged', async () => {
    const { billingKey, customerKey } = await billingFor();
    const quick = createTossClient({ baseUrl: sandbox.url, secretKey: TEST_SECRET_KEY, readTimeoutMs: 300 });
    const orderId = order();
    await sandbox.setFaults({ timeoutRate: 1 });
    try {
      await rejects(
        quick.chargeBillingKey(billingKey, { customerKey, amount: 15000, orderId, orderName: 'Beans' }),
        TossUnknownOutcomeError,
        'TIMEOUT',
      );
    } finally {
      await sandbox.setFaults({});
      await quick.close();
    }
    await rejects(toss.getPaymentByOrderId(orderId), TossNotFoundError, 'NOT_FOUND_PAYMENT');
  });

  it('added latency slows answers but changes nothing else', async () => {
    const { billingKey, customerKey } = await billingFor();
    await sandbox.setFaults({ latencyMs: 200 });
    try {
      const started = Date.now();
      const p = await toss.chargeBillingKey(billingKey, {
        customerKey,
        amount: 15000,
        orderId: order(),
        orderName: 'Beans',
      });
      assert.equal(p.status, 'DONE');
      assert.ok(Date.now() - started >= 200);
    } finally {
      await sandbox.setFaults({});
    }
  });

  it('a refused connection is transient (nothing can have happened)', async () => {
    const nowhere = createTossClient({
      baseUrl: 'http://127.0.0.1:9',
      secretKey: TEST_SECRET_KEY,
      connectTimeoutMs: 500,
    });
    await rejects(
      nowhere.chargeBillingKey('bk', {
        customerKey: 'cust_1',
        amount: 1000,
        orderId: order(),
        orderName: 'x',
      }),
      TossTransientError,
      'CONNECT_FAILED',
    );
    await nowhere.close();
  });

  it('never puts the secret key or a billing key in an error', async () => {
    const { billingKey, customerKey } = await billingFor('4000000000000002');
    try {
      await toss.chargeBillingKey(billingKey, {
        customerKey,
        amount: 15000,
        orderId: order(),
        orderName: 'Beans',
      });
      assert.fail('should decline');
    } catch (err) {
      const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack}`;
      assert.ok(!text.includes(billingKey));
      assert.ok(!text.includes(TEST_SECRET_KEY));
      assert.ok(!text.includes(Buffer.from(`${TEST_SECRET_KEY}:`).toString('base64')));
    }
  });
});

describe('Toss sandbox: its records survive its restart', () => {
  it('a second sandbox process on the same database finds the payments and faults of the first', async () => {
    const { billingKey, customerKey } = await billingFor();
    const orderId = order();
    const p = await toss.chargeBillingKey(billingKey, {
      customerKey,
      amount: 15000,
      orderId,
      orderName: 'Beans',
    });
    const second = await startSandbox();
    const other = createTossClient({ baseUrl: second.url, secretKey: TEST_SECRET_KEY });
    try {
      assert.equal((await other.getPaymentByOrderId(orderId)).paymentKey, p.paymentKey);
      const again = await other.chargeBillingKey(billingKey, {
        customerKey,
        amount: 1000,
        orderId: order(),
        orderName: 'Beans',
      });
      assert.equal(again.status, 'DONE');
    } finally {
      await other.close();
      await second.stop();
    }
  });
});
