import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  businessNumberCheckDigit,
  formatBusinessNumber,
  isValidBusinessNumber,
  normaliseBusinessNumber,
} from './businessNumber';

describe('business registration number check digit', () => {
  // Published numbers of real Korean companies.
  const real = [
    ['124-81-00998', 'Samsung Electronics'],
    ['220-81-62517', 'NAVER'],
    ['120-81-47521', 'Kakao'],
    ['120-88-00767', 'Coupang'],
    ['104-81-53114', 'a listed company'],
  ];
  for (const [number, owner] of real) {
    it(`accepts ${number} (${owner})`, () => assert.equal(isValidBusinessNumber(number!), true));
  }

  it('rejects each real number with its last digit changed', () => {
    for (const [number] of real) {
      const digits = normaliseBusinessNumber(number!)!;
      for (let d = 0; d <= 9; d++) {
        if (String(d) === digits[9]) continue;
        assert.equal(isValidBusinessNumber(digits.slice(0, 9) + d), false, `${digits.slice(0, 9)}${d}`);
      }
    }
  });

  it('rejects wrong lengths and non-digits', () => {
    for (const bad of ['', '12481009', '12481009981', '124-81-0099x', 'abcdefghij']) {
      assert.equal(isValidBusinessNumber(bad), false, bad);
    }
  });

  it('uses the floor(d8 * 5 / 10) term', () => {
    // 9th digit 9 contributes 9*5 = 45 plus floor(45/10) = 4.
    assert.equal(businessNumberCheckDigit('124810099'), 8);
  });

  it('normalises dashes and spaces and formats back', () => {
    assert.equal(normaliseBusinessNumber(' 124 81 00998 '), '1248100998');
    assert.equal(formatBusinessNumber('1248100998'), '124-81-00998');
  });
});
