// Addresses and the roaster's export, without I/O: both shapes of ship_to read and shown, the export's Korean.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressParts, anyShipToSchema, formatAddress, structuredShipToSchema } from './address';
import { exportTable, seoulDateTime, type ExportOrder } from './orderExport';
import { checkoutSchema } from './subscription';
import { toFieldIssues } from './validation';

const structured = {
  name: '김고객',
  phone: '010-1234-5678',
  postcode: '04524',
  address1: '서울특별시 중구 세종대로 110',
  address2: '3층',
  memo: '문 앞에 놓아 주세요',
};
const legacy = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

describe('ship_to', () => {
  it('reads both shapes, and shows each on one line', () => {
    assert.ok(anyShipToSchema.safeParse(structured).success);
    assert.ok(anyShipToSchema.safeParse(legacy).success, 'old subscriptions and orders stay readable');
    assert.equal(formatAddress(structured), '(04524) 서울특별시 중구 세종대로 110 3층');
    assert.equal(
      formatAddress({ ...structured, address2: undefined }),
      '(04524) 서울특별시 중구 세종대로 110',
    );
    assert.equal(formatAddress(legacy), '서울특별시 마포구 와우산로 94');
    assert.deepEqual(addressParts(legacy), { postcode: '', address1: legacy.address, address2: '' });
  });

  it('checks the structured fields with keys the page translates', () => {
    const bad = structuredShipToSchema.safeParse({ ...structured, postcode: '4524', address1: '서울' });
    assert.ok(!bad.success);
    assert.deepEqual(
      toFieldIssues(bad.error).map((i) => [i.path, i.key]),
      [
        ['postcode', 'invalid_postcode'],
        ['address1', 'too_short'],
      ],
    );
    assert.ok(
      !anyShipToSchema.safeParse({ ...structured, address: 'both' }).success,
      'one shape or the other',
    );
    assert.ok(!structuredShipToSchema.safeParse({ ...structured, postcode: '０４５２４' }).success);
  });

  it('checkout takes the structured address (and still the free-text one)', () => {
    const base = {
      productId: '00000000-0000-4000-8000-000000000000',
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      authKey: 'a',
      customerKey: 'dalgona_x',
      consents: {
        recurringPayment: true,
        thirdPartyProvision: true,
        amount: 16000,
        versions: { refund: '2026-12-01', privacy: '2026-12-01' },
      },
    };
    const ok = checkoutSchema.safeParse({ ...base, shipTo: structured });
    assert.ok(ok.success, JSON.stringify(ok.error?.issues));
    assert.ok(checkoutSchema.safeParse({ ...base, shipTo: legacy }).success);
    assert.ok(!checkoutSchema.safeParse({ ...base, shipTo: { ...structured, postcode: '' } }).success);
  });
});

describe('the roaster’s export', () => {
  const order: ExportOrder = {
    id: 'o-1',
    productName: 'Kenya Nyeri AA',
    grams: 200,
    grind: 'whole_bean',
    quantity: 2,
    shipTo: structured,
    // 15:00 UTC is midnight in Seoul, the next day.
    shipBy: '2026-12-08T15:00:00.000Z',
    status: 'to_roast',
    carrier: 'cj',
    trackingNumber: '612345678901',
    createdAt: '2026-12-06T23:59:00.000Z',
  };

  it('writes Seoul wall time, 24-hour', () => {
    assert.equal(seoulDateTime('2026-12-08T15:00:00.000Z'), '2026-12-09 00:00');
    assert.equal(seoulDateTime('2026-12-06T23:59:00.000Z'), '2026-12-07 08:59');
    assert.equal(seoulDateTime(null), '');
  });

  it('has Korean headers and values, and the memo', () => {
    const { header, rows } = exportTable('orders', [
      order,
      { ...order, id: 'o-2', shipTo: legacy, status: 'shipped' },
    ]);
    assert.equal(header[0], '주문번호');
    assert.ok(header.includes('배송 메모'));
    const [a, b] = rows;
    const col = (name: string) => header.indexOf(name);
    assert.equal(a![col('분쇄')], '홀빈');
    assert.equal(a![col('상태')], '로스팅 대기');
    assert.equal(a![col('발송 기한')], '2026-12-09 00:00');
    assert.equal(a![col('주문일시')], '2026-12-07 08:59');
    assert.equal(a![col('우편번호')], '04524');
    assert.equal(a![col('주소')], '서울특별시 중구 세종대로 110 3층');
    assert.equal(a![col('배송 메모')], '문 앞에 놓아 주세요');
    assert.equal(a![col('택배사')], 'CJ대한통운');
    assert.equal(b![col('상태')], '배송 중');
    assert.equal(b![col('주소')], legacy.address, 'an old free-text address as it was typed');
    assert.equal(b![col('배송 메모')], '');
  });

  it('has a courier layout: one row per order, the columns a courier takes', () => {
    const { header, rows } = exportTable('courier', [order, { ...order, id: 'o-2', shipTo: legacy }]);
    assert.deepEqual(header, [
      '받는분',
      '연락처',
      '우편번호',
      '주소',
      '상세주소',
      '배송메모',
      '품목명',
      '수량',
    ]);
    assert.deepEqual(rows, [
      [
        '김고객',
        '010-1234-5678',
        '04524',
        '서울특별시 중구 세종대로 110',
        '3층',
        '문 앞에 놓아 주세요',
        'Kenya Nyeri AA 200g (홀빈)',
        '2',
      ],
      ['김고객', '010-1234-5678', '', legacy.address, '', '', 'Kenya Nyeri AA 200g (홀빈)', '2'],
    ]);
  });
});
