import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partnerApplicationSchema, reviewDecisionSchema } from './partner';
import { toFieldIssues } from './validation';

const valid = {
  companyName: '달고나 로스터스',
  businessNumber: '124-81-00998',
  representative: '김대표',
  phone: '010-1234-5678',
  email: 'Hello@Example.com',
  address: '서울특별시 마포구 와우산로 94',
  mailOrderNumber: '제2024-서울마포-01234호',
  bankName: '국민은행',
  bankAccount: '123456-01-234567',
  bankAccountHolder: '김대표',
  introduction: '매주 소량으로 로스팅하는 스페셜티 커피 로스터리입니다.',
};

describe('partner application schema', () => {
  it('accepts a complete form and normalises the number and e-mail', () => {
    const parsed = partnerApplicationSchema.parse(valid);
    assert.equal(parsed.businessNumber, '1248100998');
    assert.equal(parsed.email, 'hello@example.com');
    assert.equal(parsed.mailOrderNumber, '2024-서울마포-01234', '제…호 and spaces are dropped');
  });

  it('refuses a 통신판매업 신고번호 that is not year-district-serial', () => {
    for (const bad of ['2024-01234', 'abcd-서울-1234', '1999-서울강남-01234', '2024-Seoul-01234']) {
      const r = partnerApplicationSchema.safeParse({ ...valid, mailOrderNumber: bad });
      assert.equal(toFieldIssues(r.error!)[0]?.key, 'invalid_mail_order_number', bad);
    }
  });

  it('reports every missing field as required', () => {
    const result = partnerApplicationSchema.safeParse({});
    assert.equal(result.success, false);
    const issues = toFieldIssues(result.error!);
    assert.deepEqual(
      issues.map((i) => [i.path, i.key]).sort(),
      Object.keys(valid)
        .map((k) => [k, 'required'])
        .sort(),
    );
  });

  it('tells a wrong check digit from a malformed number', () => {
    const check = partnerApplicationSchema.safeParse({ ...valid, businessNumber: '124-81-00999' });
    assert.equal(toFieldIssues(check.error!)[0]?.key, 'invalid_check_digit');
    const shape = partnerApplicationSchema.safeParse({ ...valid, businessNumber: '12-34' });
    assert.equal(toFieldIssues(shape.error!)[0]?.key, 'invalid_business_number');
  });

  it('refuses unknown fields (no mass assignment)', () => {
    const result = partnerApplicationSchema.safeParse({ ...valid, status: 'approved' });
    assert.equal(result.success, false);
  });

  it('refuses a short introduction and a bad phone', () => {
    const result = partnerApplicationSchema.safeParse({ ...valid, introduction: 'short', phone: 'call me' });
    const keys = Object.fromEntries(toFieldIssues(result.error!).map((i) => [i.path, i.key]));
    assert.deepEqual(keys, { introduction: 'too_short', phone: 'invalid_phone' });
  });
});

describe('review decision schema', () => {
  it('needs a reason to reject but not to approve', () => {
    assert.equal(reviewDecisionSchema.safeParse({ decision: 'approve' }).success, true);
    const reject = reviewDecisionSchema.safeParse({ decision: 'reject', reason: '  ' });
    assert.equal(toFieldIssues(reject.error!)[0]?.key, 'reason_required');
    assert.equal(
      reviewDecisionSchema.safeParse({ decision: 'reject', reason: 'Not a roastery' }).success,
      true,
    );
  });
});
