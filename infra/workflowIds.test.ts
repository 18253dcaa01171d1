import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signUpWorkflowId } from './workflowIds';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

describe('signUpWorkflowId', () => {
  it('is one id per address (case and spaces aside) that shows nothing of it', () => {
    const id = signUpWorkflowId(key(1), 'Kim.Minji@Example.com');
    assert.equal(id, signUpWorkflowId(key(1), ' kim.minji@example.com '));
    assert.notEqual(id, signUpWorkflowId(key(1), 'kim.minji@example.org'));
    assert.match(id, /^signUp:[A-Za-z0-9_-]{43}$/);
    assert.ok(!/kim|minji|example/i.test(id));
  });

  it('cannot be recomputed from a guessed address without the key', () => {
    assert.notEqual(signUpWorkflowId(key(1), 'a@example.com'), signUpWorkflowId(key(2), 'a@example.com'));
  });
});
