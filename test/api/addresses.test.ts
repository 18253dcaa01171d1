// Addresses (domain/address.ts): the customer's address book written by the addressBook workflow, exactly one default;
// a live subscription's 배송지 변경 (its changeAddress Update) reaching every order not shipped yet while a shipped one
// keeps its address; and the roaster's CSV (Korean headers and values, Seoul times, the 배송 메모, the courier layout).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressEntry, StructuredShipTo } from '../../domain/address';
import { ADDRESS_BOOK_LIMIT } from '../../domain/address';
import { seoulDateTime } from '../../domain/orderExport';
import { customerKeyFor } from '../../domain/subscription';
import type { Browser } from '../browser';
import { checkoutConsents } from '../consents';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { subscribeWith } from './fixtures';

let stack: Stack;
let roaster: { browser: Browser };
let productId: string;
before(async () => {
  // A "week" of two seconds: a weekly subscription charges (and orders) again while the test watches.
  stack = await startStack({ SUBSCRIPTION_WEEK: '2s' });
  const admin = await makeUser(stack, ['customer', 'admin']);
  roaster = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, roaster.browser, admin.me.id, { name: 'Colombia Huila' });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const home: StructuredShipTo = {
  name: '김고객',
  phone: '010-1234-5678',
  postcode: '04524',
  address1: '서울특별시 중구 세종대로 110',
  address2: '3층',
  memo: '문 앞에 놓아 주세요',
};
const office: StructuredShipTo = {
  name: '김고객',
  phone: '010-9876-5432',
  postcode: '06236',
  address1: '서울특별시 강남구 테헤란로 152',
  address2: '12층 1201호',
  memo: '경비실에 맡겨 주세요',
};

const list = async (b: Browser) => (await b.get<{ items: AddressEntry[] }>('/api/me/addresses')).body.items;

async function add(b: Browser, a: StructuredShipTo, makeDefault?: boolean): Promise<AddressEntry> {
  const res = await b.post<AddressEntry>('/api/me/addresses', { ...a, makeDefault });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Checkout with a structured address, weekly (a charge every two seconds here). */
async function subscribe(b: Browser, shipTo: StructuredShipTo): Promise<string> {
  const me = (await b.get<{ id: string }>('/api/auth/me')).body;
  const customerKey = customerKeyFor(me.id);
  const res = await b.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(b, productId, { grams: 200, quantity: 1 }),
    productId,
    options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
    shipTo,
    authKey: await stack.sandbox.authKey(customerKey),
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** The CSV as bytes and text (fetch's text() would drop the BOM this checks for). */
async function csv(b: Browser, query: string): Promise<{ bytes: Buffer; text: string; rows: string[][] }> {
  const res = await fetch(`${stack.baseUrl}/api/partner/orders/export.csv?${query}`, {
    headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv; charset=utf-8/);
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.subarray(3).toString('utf8');
  // Cells here hold no quotes, commas or line breaks, so a split reads them.
  const rows = text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
  return { bytes, text, rows };
}

describe('the address book', () => {
  it('keeps exactly one default: the first address, the one chosen, the newest after the default is removed', async () => {
    const { browser: b } = await makeUser(stack);
    assert.deepEqual(await list(b), []);
    const first = await add(b, home);
    assert.equal(first.isDefault, true, 'the first address becomes the default');
    assert.equal(first.postcode, '04524');
    assert.equal(first.memo, home.memo);
    const second = await add(b, office);
    assert.equal(second.isDefault, false);
    assert.deepEqual(
      (await list(b)).map((a) => [a.id, a.isDefault]),
      [
        [first.id, true],
        [second.id, false],
      ],
    );

    const made = await b.post<{ items: AddressEntry[] }>(`/api/me/addresses/${second.id}/default`);
    assert.equal(made.status, 200);
    assert.deepEqual(
      made.body.items.map((a) => [a.id, a.isDefault]),
      [
        [second.id, true],
        [first.id, false],
      ],
    );

    const edited = await b.request<AddressEntry>('PUT', `/api/me/addresses/${first.id}`, {
      ...home,
      address2: '4층',
      memo: '',
      makeDefault: true,
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.address2, '4층');
    assert.equal(edited.body.memo, undefined, 'an emptied memo is gone');
    assert.equal(edited.body.isDefault, true);
    assert.equal((await list(b)).filter((a) => a.isDefault).length, 1);

    const removed = await b.request<{ items: AddressEntry[] }>('DELETE', `/api/me/addresses/${first.id}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(
      removed.body.items.map((a) => [a.id, a.isDefault]),
      [[second.id, true]],
      'the one left became the default',
    );
    const rows = await stack.db('addresses').where({ id: second.id });
    assert.equal(rows.length, 1);
  });

  it("refuses bad input with the field's key, someone else's address as not found, and a full book", async () => {
    const { browser: b } = await makeUser(stack);
    const { browser: other } = await makeUser(stack);
    const bad = await b.post<{
      error: { code: string; details: { fields: { path: string; key: string }[] } };
    }>('/api/me/addresses', { ...home, postcode: '1234' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.error.details.fields.map((f) => [f.path, f.key]),
      [['postcode', 'invalid_postcode']],
    );
    assert.equal((await b.post('/api/me/addresses', { ...home, address1: '' })).status, 400);
    assert.deepEqual(await list(b), [], 'nothing saved');

    const theirs = await add(other, office);
    for (const res of [
      await b.request('PUT', `/api/me/addresses/${theirs.id}`, home),
      await b.request('DELETE', `/api/me/addresses/${theirs.id}`),
      await b.post(`/api/me/addresses/${theirs.id}/default`),
    ]) {
      assert.equal(res.status, 404);
    }
    assert.deepEqual(
      (await list(other)).map((a) => [a.address1, a.isDefault]),
      [[office.address1, true]],
      'untouched',
    );

    for (let i = 0; i < ADDRESS_BOOK_LIMIT; i++) await add(b, { ...home, address2: `${i + 1}호` });
    const full = await b.post<{ error: { code: string; details: { reason: string } } }>(
      '/api/me/addresses',
      home,
    );
    assert.equal(full.status, 409);
    assert.equal(full.body.error.details.reason, 'address_book_full');
    assert.equal((await list(b)).length, ADDRESS_BOOK_LIMIT);
  });
});

describe('changing a live subscription’s address', () => {
  it('reaches every order not shipped yet and the next one; a shipped order keeps its address', async () => {
    const { browser: b } = await makeUser(stack);
    const saved = await add(b, home);
    const subscriptionId = await subscribe(b, home);
    const orders = () =>
      stack
        .db('fulfilment_orders')
        .where({ subscriptionId })
        .orderBy('cycle')
        .select('id', 'cycle', 'shipTo', 'status');

    // The first order ships; a second one is waiting to be roasted. Pausing keeps it at that.
    const first = await eventually(async () => (await orders())[0]);
    const shipped = await roaster.browser.post(`/api/partner/orders/${first.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678901',
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    await eventually(async () => (await orders()).length >= 2, 15_000);
    assert.equal((await b.post(`/api/subscriptions/${subscriptionId}/pause`)).status, 200);
    const before = await orders();
    const open = before.filter((o) => o.status === 'to_roast').map((o) => o.id);
    assert.ok(open.length >= 1);

    const moved = await add(b, office);
    const res = await b.post<{ shipTo: StructuredShipTo; ordersUpdated: string[] }>(
      `/api/subscriptions/${subscriptionId}/address`,
      { addressId: moved.id },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const id of open) assert.ok(res.body.ordersUpdated.includes(id), `order ${id} moved`);
    assert.ok(!res.body.ordersUpdated.includes(first.id));
    assert.equal(res.body.shipTo.address1, office.address1);

    const after = await orders();
    assert.deepEqual(
      after.find((o) => o.id === first.id)!.shipTo,
      home,
      'the shipped order keeps its address',
    );
    for (const o of after.filter((x) => x.status === 'to_roast')) assert.deepEqual(o.shipTo, office);
    assert.deepEqual((await stack.db('subscriptions').where({ id: subscriptionId }).first()).shipTo, office);
    // The address book is not the subscription: the saved address it came from is unchanged.
    assert.equal((await list(b)).find((a) => a.id === saved.id)!.address1, home.address1);

    // The next cycle's order is made with the new address.
    assert.equal((await b.post(`/api/subscriptions/${subscriptionId}/resume`)).status, 200);
    const next = await eventually(
      async () => (await orders()).find((o) => o.cycle > before.at(-1)!.cycle),
      15_000,
    );
    assert.deepEqual(next.shipTo, office);
    assert.equal(
      (await b.post(`/api/subscriptions/${subscriptionId}/cancel`, { when: 'period_end' })).status,
      200,
    );
  });

  it("refuses another customer's subscription or address, an unknown address, and an ended subscription", async () => {
    const owner = await makeUser(stack);
    const stranger = await makeUser(stack);
    // A subscription from before the address book: the free-text address is still read, and can be replaced.
    const subscriptionId = await subscribeWith(stack, owner.browser, productId);
    const mine = await add(owner.browser, home);
    const theirs = await add(stranger.browser, office);
    const change = (b: Browser, addressId: string) =>
      b.post<{ error: { code: string } }>(`/api/subscriptions/${subscriptionId}/address`, { addressId });

    assert.equal((await change(stranger.browser, theirs.id)).status, 404, 'not their subscription');
    assert.equal((await change(owner.browser, theirs.id)).status, 404, 'not their address');
    assert.equal((await change(owner.browser, '00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await owner.browser.post(`/api/subscriptions/${subscriptionId}/address`, {})).status, 400);
    assert.deepEqual(
      (await stack.db('subscriptions').where({ id: subscriptionId }).first()).shipTo,
      { name: '테스트', phone: '010-1111-2222', address: '서울특별시 중구 세종대로 110' },
      'unchanged',
    );

    assert.equal((await change(owner.browser, mine.id)).status, 200);
    assert.deepEqual((await stack.db('subscriptions').where({ id: subscriptionId }).first()).shipTo, home);
    assert.equal(
      (await owner.browser.post(`/api/subscriptions/${subscriptionId}/cancel`, { when: 'now' })).status,
      200,
    );
    const ended = await change(owner.browser, mine.id);
    assert.equal(ended.status, 409);
  });
});

describe("the roaster's orders and CSV", () => {
  it('show the 배송 메모 and the structured address; the CSV is Korean, in Seoul time, with a courier layout', async () => {
    const { browser: b } = await makeUser(stack);
    const subscriptionId = await subscribe(b, home);
    const order = await eventually(() => stack.db('fulfilment_orders').where({ subscriptionId }).first());
    assert.equal(
      (await b.post(`/api/subscriptions/${subscriptionId}/cancel`, { when: 'period_end' })).status,
      200,
    );

    const listed = await roaster.browser.get<{ items: { id: string; shipTo: StructuredShipTo }[] }>(
      '/api/partner/orders?status=all',
    );
    assert.deepEqual(listed.body.items.find((o) => o.id === order.id)!.shipTo, home);

    const full = await csv(roaster.browser, 'status=all');
    assert.deepEqual([...full.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM for Excel');
    assert.deepEqual(full.rows[0], [
      '주문번호',
      '주문일시',
      '상품명',
      '용량(g)',
      '분쇄',
      '수량',
      '받는 분',
      '연락처',
      '우편번호',
      '주소',
      '배송 메모',
      '발송 기한',
      '상태',
      '택배사',
      '운송장 번호',
    ]);
    const row = full.rows.find((r) => r[0] === order.id)!;
    assert.ok(row, 'the order is in the export');
    assert.equal(row[4], '홀빈');
    assert.equal(row[8], '04524');
    assert.equal(row[9], '서울특별시 중구 세종대로 110 3층');
    assert.equal(row[10], '문 앞에 놓아 주세요');
    assert.equal(row[11], seoulDateTime(order.shipBy));
    assert.match(row[11]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.equal(row[1], seoulDateTime(order.createdAt));
    assert.ok(['로스팅 대기', '배송 중'].includes(row[12]!), row[12]);
    assert.doesNotMatch(full.text, /whole_bean|to_roast|T\d{2}:\d{2}:\d{2}/);

    const courier = await csv(roaster.browser, 'status=all&layout=courier');
    assert.deepEqual([...courier.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.deepEqual(courier.rows[0], [
      '받는분',
      '연락처',
      '우편번호',
      '주소',
      '상세주소',
      '배송메모',
      '품목명',
      '수량',
    ]);
    const line = courier.rows.find((r) => r[1] === home.phone && r[2] === home.postcode)!;
    assert.deepEqual(line, [
      '김고객',
      '010-1234-5678',
      '04524',
      '서울특별시 중구 세종대로 110',
      '3층',
      '문 앞에 놓아 주세요',
      `Colombia Huila 200g (홀빈)`,
      '1',
    ]);
    const [{ n }] = (await stack
      .db('fulfilment_orders')
      .where({ partnerId: order.partnerId })
      .count('* as n')) as [{ n: string }];
    assert.equal(courier.rows.length - 1, Number(n), 'one row per order');
    assert.equal((await roaster.browser.get('/api/partner/orders/export.csv?layout=excel')).status, 400);
  });
});
