import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardCompanies, cardCompanyOf } from './cardCompanies';
import { customerCardOf, registerCardSchema, useCardSchema } from './cards';

describe('card companies (Toss issuer codes)', () => {
  it('names the codes Toss returns, in Korean and English', () => {
    assert.deepEqual(cardCompanyOf('11'), { ko: 'KB국민카드', en: 'KB Kookmin Card' });
    assert.deepEqual(cardCompanyOf('41'), { ko: '신한카드', en: 'Shinhan Card' });
    assert.deepEqual(cardCompanyOf('W1'), { ko: '우리카드', en: 'Woori Card' });
    for (const [code, c] of Object.entries(cardCompanies)) {
      assert.match(code, /^[0-9A-Z]{2}$/);
      assert.ok(c.ko && c.en, code);
    }
  });

  it('has no name for an unknown or missing code', () => {
    assert.equal(cardCompanyOf('ZZ'), null);
    assert.equal(cardCompanyOf(null), null);
    assert.equal(cardCompanyOf(undefined), null);
  });

  it('a listed card carries its company, its number as given and who uses it', () => {
    const card = customerCardOf(
      {
        id: 'c1',
        issuerCode: '61',
        numberMasked: '43301234****123*',
        cardType: '신용',
        createdAt: new Date('2026-12-08T00:00:00Z'),
      },
      [{ subscriptionId: 's1', productName: 'Guji', status: 'active' }],
    );
    assert.deepEqual(card.company, { ko: '현대카드', en: 'Hyundai Card' });
    assert.equal(card.numberMasked, '43301234****123*');
    assert.equal(card.createdAt, '2026-12-08T00:00:00.000Z');
    assert.equal(card.usedBy.length, 1);
  });
});

describe('결제 수단 input', () => {
  it('이 카드로 결제 takes one card id, nothing else', () => {
    assert.ok(useCardSchema.safeParse({ cardId: '6f1c2a9e-1b7d-4c1e-9a55-0c5f0e4b2a11' }).success);
    for (const bad of [
      {},
      { cardId: 'card-1' },
      { cardId: 1 },
      { cardId: null },
      { cardId: '6f1c2a9e-1b7d-4c1e-9a55-0c5f0e4b2a11', x: 1 },
    ])
      assert.equal(useCardSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('새 카드 등록 takes the card window’s authKey and customerKey, within Toss’s lengths', () => {
    assert.ok(registerCardSchema.safeParse({ authKey: 'bln_x', customerKey: 'dalgona_1' }).success);
    for (const bad of [
      {},
      { authKey: '', customerKey: 'dalgona_1' },
      { authKey: 'a'.repeat(301), customerKey: 'dalgona_1' },
      { authKey: 'bln_x', customerKey: 'd' },
      { authKey: 'bln_x', customerKey: 'dalgona_1', billingKey: 'x' },
    ])
      assert.equal(registerCardSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});
