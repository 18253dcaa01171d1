import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursorParts, keysetCursor } from './cursor';

const id = '7d0f3c1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f';
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const byTime = keysetCursor(cursorParts.timestamp, cursorParts.uuid);
const byInt = keysetCursor(cursorParts.int4, cursorParts.uuid);
const byId = keysetCursor(cursorParts.timestamp, cursorParts.int8);
const byText = keysetCursor(cursorParts.text(20), cursorParts.uuid);

describe('keyset cursors', () => {
  it('round-trips each kind, in the format the lists have always written', () => {
    const at = new Date('2026-12-06T00:13:48.952Z');
    const token = byTime.encode(at, id);
    assert.equal(token, b64(`2026-12-06T00:13:48.952Z|${id}`));
    assert.deepEqual(byTime.schema.parse(token), [at, id]);
    assert.deepEqual(byInt.schema.parse(byInt.encode(-2147483648, id)), [-2147483648, id]);
    assert.deepEqual(byId.schema.parse(byId.encode(at, '9223372036854775807')), [at, '9223372036854775807']);
    for (const text of ['a|b', '100%', '%7C', '달고나 | 커피'])
      assert.deepEqual(byText.schema.parse(byText.encode(text, id)), [text, id]);
  });

  it('refuses every part out of its kind or its column', () => {
    const refused: [typeof byTime.schema | typeof byInt.schema | typeof byId.schema, string][] = [
      [byInt.schema, b64(`2147483648|${id}`)],
      [byInt.schema, b64(`99999999999|${id}`)],
      [byInt.schema, b64(`-2147483649|${id}`)],
      [byInt.schema, b64(`01|${id}`)],
      [byInt.schema, b64(`1e3|${id}`)],
      [byInt.schema, b64(`1.5|${id}`)],
      [byId.schema, b64('2026-12-06T00:00:00.000Z|9223372036854775808')],
      [byId.schema, b64('2026-12-06T00:00:00.000Z|99999999999999999999999')],
      [byTime.schema, b64(`1|${id}`)],
      [byTime.schema, b64(`99999-01-01|${id}`)],
      [byTime.schema, b64(`+099999-01-01T00:00:00.000Z|${id}`)],
      [byTime.schema, b64(`-1e20|${id}`)],
      [byTime.schema, b64(`0000-01-01T00:00:00.000Z|${id}`)],
      [byTime.schema, b64(`2026-02-30T00:00:00.000Z|${id}`)],
      [byTime.schema, b64(`2026-13-01T00:00:00.000Z|${id}`)],
      [byTime.schema, b64(`2026-12-06T24:00:00.000Z|${id}`)],
      [byTime.schema, b64(`2026-12-06|${id}`)],
      [byTime.schema, b64('2026-12-06T00:00:00.000Z|not-a-uuid')],
      [byTime.schema, b64(`2026-12-06T00:00:00.000Z|${id}|extra`)],
      [byTime.schema, b64('2026-12-06T00:00:00.000Z')],
      [byTime.schema, b64(`2026-12-06T00:00:00.000Z|${id}`) + '='], // not the canonical token
      [byTime.schema, `${b64(`2026-12-06T00:00:00.000Z|${id}`)}!`],
      [byTime.schema, Buffer.from([0xff, 0xfe, 0x7c]).toString('base64url')], // not UTF-8
      [byTime.schema, 'A'.repeat(400)],
      [byTime.schema, ''],
    ];
    for (const [schema, token] of refused) {
      const result = schema.safeParse(token);
      assert.equal(result.success, false, Buffer.from(token, 'base64url').toString());
      assert.equal(result.error!.issues[0]!.message, 'invalid_cursor');
    }
    assert.equal(byText.schema.safeParse(b64(`a\u202Eb|${id}`)).success, false);
    assert.equal(byText.schema.safeParse(b64(`a%41|${id}`)).success, false);
    assert.equal(byTime.schema.safeParse(['a', 'b']).success, false);
  });

  it('will not hand out a cursor it would refuse', () => {
    assert.throws(() => byInt.encode(2 ** 31, id));
    assert.throws(() => byTime.encode(new Date(Number.NaN), id));
    assert.throws(() => byTime.encode(new Date(id), 'x'));
  });
});
