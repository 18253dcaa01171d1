import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseChannels, dayIn, nextAttemptDelay } from './notifications';

describe('chooseChannels', () => {
  const base = { preferences: {}, phone: null, solapi: null };
  it('e-mail by default; a phone message only with a phone and SOLAPI', () => {
    assert.deepEqual(chooseChannels({ ...base, category: 'subscription' }), ['email']);
    assert.deepEqual(chooseChannels({ ...base, category: 'subscription', phone: '010' }), ['email']);
    assert.deepEqual(
      chooseChannels({ ...base, category: 'subscription', phone: '010', solapi: { kakao: false } }),
      ['email', 'sms'],
    );
    assert.deepEqual(
      chooseChannels({ ...base, category: 'subscription', phone: '010', solapi: { kakao: true } }),
      ['email', 'kakao'],
    );
  });
  it('honours a switched-off channel for optional kinds, never for legal or payment', () => {
    const off = { email: false, kakao: false, sms: false };
    const phone = { phone: '010', solapi: { kakao: true } };
    assert.deepEqual(chooseChannels({ ...base, ...phone, category: 'delivery', preferences: off }), []);
    assert.deepEqual(
      chooseChannels({ ...base, ...phone, category: 'delivery', preferences: { kakao: false } }),
      ['email', 'sms'],
    );
    assert.deepEqual(chooseChannels({ ...base, ...phone, category: 'payment', preferences: off }), [
      'email',
      'kakao',
    ]);
    assert.deepEqual(chooseChannels({ ...base, ...phone, category: 'legal', preferences: off }), [
      'email',
      'kakao',
    ]);
  });
});

describe('nextAttemptDelay', () => {
  it('walks the ladder, then gives up', () => {
    const ladder = [1000, 5000];
    assert.equal(nextAttemptDelay(1, ladder), 1000);
    assert.equal(nextAttemptDelay(2, ladder), 5000);
    assert.equal(nextAttemptDelay(3, ladder), null);
  });
});

describe('dayIn', () => {
  it('names the day in Seoul', () => {
    assert.equal(dayIn(new Date('2026-12-06T15:30:00Z'), 'Asia/Seoul'), '2026-12-07');
    assert.equal(dayIn(new Date('2026-12-06T14:59:59Z'), 'Asia/Seoul'), '2026-12-06');
  });
});
