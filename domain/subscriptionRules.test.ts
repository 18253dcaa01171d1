// The subscription's rules, without Temporal, a database or a provider.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChargeResult, SubscriptionState } from './subscription';
import * as rules from './subscriptionRules';

const WEEK = 1000;
const settings = rules.settingsOf({
  weekMs: WEEK,
  dunningLadderMs: [100, 300, 500],
  errorBackoffMs: 50,
  connectBudgetMs: 1000,
});
const T0 = Date.parse('2026-12-07T01:00:00.000Z');
const options = { grams: 200, grind: 'whole_bean' as const, quantity: 2, cycleWeeks: 1 as const };

function active(over: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    ...rules.initialState(new Date(T0).toISOString(), options, 16000),
    status: 'active',
    cardId: 'card-1',
    cardMasked: '4330****1234',
    ...over,
  };
}

const approvedResult = (amount = 32000): ChargeResult & { outcome: 'approved' } => ({
  outcome: 'approved',
  paymentId: 'p1',
  amount,
  approvedAt: new Date(T0).toISOString(),
  unitPrice: 16000,
});
const declinedResult = (needsNewCard = false, at = T0): ChargeResult & { outcome: 'declined' } => ({
  outcome: 'declined',
  code: needsNewCard ? 'INVALID_STOPPED_CARD' : 'REJECT_CARD_PAYMENT',
  message: 'declined',
  needsNewCard,
  at: new Date(at).toISOString(),
});

/** Plans and begins the due charge at `now`. */
function charge(s: SubscriptionState, now: number, with_ = settings) {
  assert.equal(rules.plan(s, now, with_).kind, 'charge');
  return rules.beginCharge(s, now, with_);
}

describe('subscription rules: the charge cycle', () => {
  it('waits until the charge is due, then charges the next cycle at the price per delivery', () => {
    const s = active();
    assert.deepEqual(rules.plan(s, T0 - 10, settings), { kind: 'wait', until: T0 });
    const { charge: c } = charge(s, T0);
    assert.deepEqual([c.cycle, c.attempt, c.amount, c.lookupFirst], [1, 1, 32000, false]);
    assert.equal(c.following, new Date(T0 + WEEK).toISOString());
  });

  it('approved: the cycle counts, the schedule moves one cycle on, dunning is cleared', () => {
    const s = active({ status: 'past_due', dunningStep: 2, paymentState: 'retrying', firstDeclineAt: 'x' });
    const { state, charge: c } = charge({ ...s, nextRetryAt: new Date(T0).toISOString() }, T0);
    const next = rules.approved(state, approvedResult(), c).state;
    assert.equal(next.status, 'active');
    assert.equal(next.cycle, 1);
    assert.equal(next.nextChargeAt, new Date(T0 + WEEK).toISOString());
    assert.deepEqual(
      [next.dunningStep, next.paymentState, next.firstDeclineAt, next.nextRetryAt, next.chargeAttempts],
      [0, 'idle', null, null, 0],
    );
  });

  it('a schedule that fell behind (a long outage) moves past now, never to a date already gone', () => {
    const { charge: c } = charge(active(), T0 + 3.5 * WEEK);
    assert.equal(c.following, new Date(T0 + 4 * WEEK).toISOString());
  });

  it('a pause or cancel made while the charge was in flight stays after it is approved', () => {
    const { state, charge: c } = charge(active(), T0);
    const paused = rules.pause(state, T0).state;
    const after = rules.approved(paused, approvedResult(), c).state;
    assert.equal(after.status, 'paused');
    assert.equal(after.cycle, 1, 'the paid cycle still counts');
    const canceled = rules.cancel(state, 'now', T0, 'moving').state;
    assert.equal(rules.approved(canceled, approvedResult(), c).state.status, 'canceled');
  });
});

describe('subscription rules: dunning', () => {
  it('declines climb the ladder from the first decline, each attempt with its own key; then suspended', () => {
    let s = active();
    const retryAts: string[] = [];
    const attempts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const now = i === 0 ? T0 : Date.parse(s.nextRetryAt!);
      const { state, charge: c } = charge(s, now);
      attempts.push(c.attempt);
      assert.equal(c.lookupFirst, i > 0, 'a retry looks the order up first');
      const d = rules.declined(state, declinedResult(false, now), c, settings);
      s = d.state;
      if (i < 3) {
        assert.equal(s.status, 'past_due');
        assert.equal(s.paymentState, 'retrying');
        assert.equal(d.notice?.template, 'payment_failed');
        retryAts.push(s.nextRetryAt!);
      }
    }
    assert.deepEqual(attempts, [1, 2, 3, 4]);
    assert.deepEqual(
      retryAts,
      [100, 300, 500].map((ms) => new Date(T0 + ms).toISOString()),
    );
    assert.equal(s.status, 'suspended');
    assert.equal(s.paymentState, 'declined');
    assert.deepEqual(rules.plan(s, T0 + 10_000, settings), { kind: 'wait', until: null });
  });

  it('a card no retry can fix skips the ladder, waits for a new card, and is suspended when the ladder would end', () => {
    const { state, charge: c } = charge(active(), T0);
    const d = rules.declined(state, declinedResult(true), c, settings);
    assert.equal(d.state.status, 'past_due');
    assert.equal(d.state.needsNewCard, true);
    assert.equal(d.state.paymentState, 'declined');
    assert.equal(d.notice?.template, 'payment_card_needed');
    assert.deepEqual(rules.plan(d.state, T0 + 10, settings), { kind: 'wait', until: T0 + 500 });
    assert.equal(rules.plan(d.state, T0 + 500, settings).kind, 'suspend');
    assert.equal(rules.suspendForCard(d.state).state.status, 'suspended');
  });

  it('a new card while past due or suspended charges at once, with the next attempt number', () => {
    const { state, charge: c } = charge(active(), T0);
    const suspended = {
      ...rules.declined(state, declinedResult(true), c, settings).state,
      status: 'suspended' as const,
    };
    const carded = rules.changeCard(suspended, { cardId: 'card-2', cardMasked: '5365****' }).state;
    assert.deepEqual([carded.status, carded.needsNewCard, carded.retryNow], ['past_due', false, true]);
    const again = charge(carded, T0 + 50);
    assert.equal(again.charge.attempt, 2);
    // An active subscription's new card changes only the card.
    const plain = rules.changeCard(active(), { cardId: 'card-2', cardMasked: '5365****' }).state;
    assert.deepEqual([plain.status, plain.retryNow, plain.cardId], ['active', false, 'card-2']);
  });

  it('a provider fault retries after the pause, looking the order up first, with the same attempt (same key)', () => {
    const { state, charge: c } = charge(active(), T0);
    const f = rules.chargeFaulted(state, { code: 'PROVIDER_ERROR', message: 'down' }, T0, settings).state;
    assert.deepEqual([f.paymentState, f.nextRetryAt], ['retrying', new Date(T0 + 50).toISOString()]);
    const again = charge(f, T0 + 50);
    assert.deepEqual([again.charge.attempt, again.charge.lookupFirst], [c.attempt, true]);
    // Paused during the outage: nothing left to retry until it resumes.
    const paused = rules.chargeFaulted(
      rules.pause(state, T0).state,
      { code: 'X', message: 'x' },
      T0,
      settings,
    );
    assert.deepEqual(rules.plan(paused.state, T0 + 1000, settings), { kind: 'wait', until: null });
  });
});

describe('subscription rules: customer actions', () => {
  it('pause is refused unless active; resume makes a passed charge date due now', () => {
    assert.equal(rules.checkPause(active()), null);
    assert.equal(rules.checkPause(active({ status: 'past_due' }))?.code, 'CONFLICT');
    // An admin may (a suspended roaster's subscriptions stop dunning); a pause from past-due remembers it.
    assert.equal(rules.checkPause(active({ status: 'past_due' }), true), null);
    const stopped = rules.pause(active({ status: 'past_due', nextRetryAt: new Date(1).toISOString() }), 1);
    assert.deepEqual(
      [stopped.state.status, stopped.state.pausedFrom, stopped.state.nextRetryAt],
      ['paused', 'past_due', null],
    );
    const paused = rules.pause(active(), T0 + 5).state;
    assert.equal(rules.checkPause(paused)?.code, 'CONFLICT');
    assert.deepEqual(rules.plan(paused, T0 + 10 * WEEK, settings), { kind: 'wait', until: null });
    const resumed = rules.resume(paused, T0 + 2 * WEEK).state;
    assert.equal(resumed.nextChargeAt, new Date(T0 + 2 * WEEK).toISOString());
    assert.equal(rules.plan(resumed, T0 + 2 * WEEK, settings).kind, 'charge');
  });

  it('skip: the due cycle is neither charged nor shipped; the schedule moves one cycle', () => {
    const s = rules.skip(active()).state;
    assert.equal(rules.checkSkip(s)?.code, 'CONFLICT');
    assert.equal(rules.plan(s, T0, settings).kind, 'skip');
    const after = rules.skipDue(s, settings);
    assert.equal(after.state.nextChargeAt, new Date(T0 + WEEK).toISOString());
    assert.equal(after.state.cycle, 0);
    assert.equal(after.notice?.template, 'delivery_skipped');
  });

  it('cancel at period end ends the subscription when the next charge would have been made, with no charge', () => {
    const s = rules.cancel(active(), 'period_end', T0 - 100).state;
    assert.equal(s.status, 'active');
    assert.equal(rules.checkCancel(s, 'period_end')?.code, 'CONFLICT');
    assert.equal(rules.plan(s, T0, settings).kind, 'endOfTerm');
    assert.equal(rules.endOfTerm(s, T0).state.status, 'canceled');
    // Past due there is nothing paid to run out: it ends at once.
    assert.equal(rules.cancel(active({ status: 'past_due' }), 'period_end', T0).state.status, 'canceled');
  });

  it('only the subscriber or an admin acts; a connecting subscription can only be cancelled', () => {
    const s = active();
    assert.equal(rules.checkActor(s, { userId: 'u1', roles: ['customer'] }, 'u1'), null);
    assert.equal(rules.checkActor(s, { userId: 'u2', roles: ['customer'] }, 'u1')?.code, 'FORBIDDEN');
    assert.equal(rules.checkActor(s, { userId: 'a', roles: ['admin'] }, 'u1'), null);
    const connecting = { ...s, status: 'connecting' as const };
    assert.equal(rules.checkActor(connecting, { userId: 'u1', roles: [] }, 'u1')?.code, 'CONFLICT');
    assert.equal(rules.checkActor(connecting, { userId: 'u1', roles: [] }, 'u1', 'cancel'), null);
    assert.equal(rules.cancel(connecting, 'period_end', T0).state.status, 'canceled');
    assert.equal(
      rules.checkActor({ ...s, status: 'canceled' }, { userId: 'u1', roles: [] }, 'u1', 'cancel')?.code,
      'CONFLICT',
    );
  });

  it('options change from the next cycle at the quoted price; an empty change is refused', () => {
    assert.equal(rules.checkChangeOptions({})?.code, 'VALIDATION_FAILED');
    const merged = rules.mergedOptions(active(), { grams: 500 });
    assert.deepEqual(merged, { ...options, grams: 500 });
    const s = rules.changeOptions(active(), merged, 36000).state;
    assert.equal(rules.amountOf(s), 72000);
  });
});

describe('subscription rules: taking an action back, and why a cancel', () => {
  const noticed = { ...settings, noticeBeforeChargeMs: 200 };
  const next = new Date(T0 + WEEK).toISOString();

  it('a skip is undone before its date: the cycle is charged on its date and its 결제 예정 안내 goes out again', () => {
    const s = rules.skip(active({ nextChargeAt: next })).state;
    assert.equal(rules.checkUndoSkip(s), null);
    assert.notEqual(rules.plan(s, T0 + WEEK - 100, noticed).kind, 'chargeNotice');
    const undone = rules.undoSkip(s).state;
    assert.equal(undone.skipNext, false);
    assert.equal(rules.plan(undone, T0 + WEEK - 100, noticed).kind, 'chargeNotice');
    assert.equal(rules.plan(undone, T0 + WEEK, settings).kind, 'charge');
  });

  it('a skip cannot be undone once its date has come (it happened) or when none was made', () => {
    const s = rules.skip(active()).state;
    const passed = rules.skipDue(s, settings).state;
    assert.deepEqual(rules.checkUndoSkip(passed), {
      code: 'CONFLICT',
      message: '건너뛰기로 한 배송이 없습니다.',
      reason: 'no_skip_scheduled',
    });
    assert.equal(rules.checkUndoSkip(active())?.reason, 'no_skip_scheduled');
    // Skipping twice is refused with its own reason.
    assert.equal(rules.checkSkip(s)?.reason, 'already_skipped');
    assert.equal(rules.checkSkip(active({ status: 'paused' }))?.reason, 'skip_not_active');
  });

  it('a cancel at the end of the term is undone (해지 취소): no end of term, the charge goes on, the reason is dropped', () => {
    const scheduled = rules.cancel(active(), 'period_end', T0 - 100, '이사 가요', 'other').state;
    assert.deepEqual(scheduled.cancelReason, {
      code: 'other',
      note: '이사 가요',
      at: new Date(T0 - 100).toISOString(),
    });
    assert.equal(rules.plan(scheduled, T0, settings).kind, 'endOfTerm');
    assert.equal(rules.checkUndoCancel(scheduled), null);
    const undone = rules.undoCancel(scheduled, T0 - 50);
    assert.deepEqual([undone.state.cancelAtPeriodEnd, undone.state.cancelReason], [false, null]);
    assert.equal(undone.notice?.template, 'subscription_cancel_undone');
    assert.equal(rules.plan(undone.state, T0, settings).kind, 'charge');
  });

  it('undoing a cancel is refused when none is scheduled; scheduling again is told again (its own notice key)', () => {
    assert.equal(rules.checkUndoCancel(active())?.reason, 'no_cancel_scheduled');
    const first = rules.cancel(active(), 'period_end', T0 - 100, undefined, 'price');
    assert.equal(rules.checkCancel(first.state, 'period_end')?.reason, 'cancel_already_scheduled');
    const again = rules.cancel(rules.undoCancel(first.state, T0 - 90).state, 'period_end', T0 - 80);
    assert.notEqual(first.notice?.key, again.notice?.key);
    // A later cancel without a reason keeps none: the undo dropped the first one.
    assert.equal(again.state.cancelReason, null);
  });

  it('a cancel now keeps its reason with the ended subscription; one without a reason keeps none', () => {
    const ended = rules.cancel(active(), 'now', T0, undefined, 'beans_left').state;
    assert.deepEqual(
      [ended.status, ended.cancelReason?.code, ended.cancelReason?.note],
      ['canceled', 'beans_left', null],
    );
    assert.equal(rules.cancel(active(), 'now', T0).state.cancelReason, null);
    // The end of a term keeps the reason given when it was scheduled.
    const scheduled = rules.cancel(active(), 'period_end', T0 - 1, '맛이 달라요', 'taste').state;
    assert.equal(rules.endOfTerm(scheduled, T0).state.cancelReason?.code, 'taste');
  });
});

describe('subscription rules: the card connect', () => {
  const connecting = () => rules.initialState(new Date(T0).toISOString(), options, 16000);

  it('connected: active, with the card; a refusal the customer can fix: card_failed at once', () => {
    const ok = rules.connected(connecting(), { cardId: 'c', cardMasked: 'm' });
    assert.equal(ok.state.status, 'active');
    assert.equal(ok.notice?.template, 'subscription_started');
    const refused = rules.connectRefused(
      connecting(),
      { code: 'NOT_MATCHES_CUSTOMER_KEY', message: 'x' },
      T0,
    );
    assert.equal(refused.state.status, 'card_failed');
    assert.equal(refused.state.lastError?.code, 'NOT_MATCHES_CUSTOMER_KEY');
  });

  it('provider faults retry visibly (PaymentState retrying) on the budget, then give up as PROVIDER_UNAVAILABLE', () => {
    const f = rules.connectFaulted(connecting(), { code: 'TIMEOUT', message: 't' }, T0 + 10, settings, T0);
    assert.deepEqual([f.state.status, f.state.paymentState], ['connecting', 'retrying']);
    assert.equal(f.state.nextRetryAt, new Date(T0 + 60).toISOString());
    const spent = rules.connectFaulted(f.state, { code: 'TIMEOUT', message: 't' }, T0 + 1000, settings, T0);
    assert.equal(spent.state.status, 'card_failed');
    assert.equal(spent.state.lastError?.code, 'PROVIDER_UNAVAILABLE');
  });

  it('cancelled while connecting: a late answer from the provider changes nothing', () => {
    const canceled = rules.cancel(connecting(), 'now', T0).state;
    assert.equal(rules.connected(canceled, { cardId: 'c', cardMasked: 'm' }).state.status, 'canceled');
    assert.equal(rules.connectRefused(canceled, { code: 'X', message: 'x' }, T0).state.status, 'canceled');
    assert.deepEqual(rules.plan(canceled, T0, settings), { kind: 'end' });
  });
});

describe('subscription rules: price changes', () => {
  const change = (priceKrw: number, effectiveAt: number, revisionId = 'r2') => ({
    revisionId,
    weights: [
      { grams: 200, priceKrw },
      { grams: 500, priceKrw: 40000 },
    ],
    effectiveAt: new Date(effectiveAt).toISOString(),
  });

  const legacy = rules.settingsOf(
    { weekMs: WEEK, dunningLadderMs: [100, 300, 500], errorBackoffMs: 50, connectBudgetMs: 1000 },
    false,
  );
  // Ten cycles' notice and a reminder three cycles before (30 and 7 days in production).
  const consent = { ...settings, priceChangeNoticeMs: 10 * WEEK + 500, priceChangeReminderMs: 3 * WEEK };
  const NOTICE = consent.priceChangeNoticeMs;

  it('runs before the consent flow: a price in effect now applies to the next charge, with a notice', () => {
    const c = rules.proposePrice(active(), change(17000, T0 - 1), T0 - 1, legacy)!;
    assert.equal(c.state.unitPrice, 17000);
    assert.equal(c.notice?.template, 'subscription_price_changed');
    assert.deepEqual([c.notice?.payload?.oldAmount, c.notice?.payload?.newAmount], [32000, 34000]);
    assert.equal(rules.beginCharge(c.state, T0, legacy).charge.amount, 34000);
  });

  it('runs before the consent flow: a later price waits for the first charge at or after its date', () => {
    const c = rules.proposePrice(active(), change(17000, T0 + WEEK), T0 - 1, legacy)!;
    assert.equal(c.state.pendingPrice?.unitPrice, 17000);
    assert.equal(rules.beginCharge(c.state, T0, legacy).charge.amount, 32000, 'the next charge is before it');
    const later = rules.approved(
      c.state,
      approvedResult(),
      rules.beginCharge(c.state, T0, legacy).charge,
    ).state;
    const { state, charge: paid } = rules.beginCharge(later, T0 + WEEK, legacy);
    assert.equal(paid.amount, 34000);
    assert.equal(state.pendingPrice, null);
  });

  it('an increase is only proposed: old and new amount, effective no sooner than the notice period', () => {
    const c = rules.proposePrice(active(), change(17000, T0 - 1), T0 - 1, consent)!;
    assert.equal(c.state.unitPrice, 16000, 'nothing changes without consent');
    assert.equal(c.notice?.template, 'price_change_proposed');
    const p = c.state.pendingPrice!;
    assert.deepEqual(
      [p.unitPrice, p.consent, p.effectiveAt],
      [17000, 'pending', new Date(T0 - 1 + NOTICE).toISOString()],
    );
    assert.deepEqual(
      [c.notice?.payload?.oldAmount, c.notice?.payload?.newAmount, c.notice?.payload?.effectiveAt],
      [32000, 34000, p.effectiveAt],
    );
    // A later date the product gave is kept.
    const far = rules.proposePrice(active(), change(17000, T0 + 2 * NOTICE), T0, consent)!;
    assert.equal(far.state.pendingPrice?.effectiveAt, new Date(T0 + 2 * NOTICE).toISOString());
  });

  /** An increase proposed at T0 to a subscription charged every WEEK from T0 + WEEK. */
  function proposed(over: Partial<SubscriptionState> = {}) {
    const s = active({ nextChargeAt: new Date(T0 + WEEK).toISOString(), ...over });
    return rules.proposePrice(s, change(17000, T0), T0, consent)!.state;
  }
  const effective = T0 + NOTICE;

  it('unanswered: charges before the date are at the old price; on the date the subscription ends, never charged more', () => {
    let s = proposed();
    const { state, charge: c } = charge(s, T0 + WEEK, consent);
    assert.equal(c.amount, 32000);
    s = rules.approved(state, approvedResult(), c).state;
    // Run the cycles up to the effective date: every one at the old price.
    while (Date.parse(s.nextChargeAt!) < effective) {
      const at = Date.parse(s.nextChargeAt!);
      if (rules.plan(s, at, consent).kind === 'priceReminder') s = rules.remindPrice(s, at).state;
      const next = charge(s, at, consent);
      assert.equal(next.charge.amount, 32000);
      s = rules.approved(next.state, approvedResult(), next.charge).state;
    }
    const at = Date.parse(s.nextChargeAt!);
    assert.equal(rules.plan(s, at, consent).kind, 'priceDeadline');
    const end = rules.priceDeadline(s, at, consent);
    assert.deepEqual([end.state.status, end.state.endReason], ['canceled', 'price_unanswered']);
    assert.equal(end.notice?.template, 'subscription_ended_price');
    assert.equal(rules.plan(end.state, at, consent).kind, 'end');
  });

  it('accepted: the charges from the effective date are at the new price, the ones before at the old', () => {
    const s = proposed();
    assert.equal(rules.checkPriceAnswer(s, 'r2', T0 + 1), null);
    const yes = rules.answerPrice(s, 'accept', T0 + 1, consent);
    assert.equal(yes.notice?.template, 'price_change_accepted');
    assert.equal(yes.state.pendingPrice?.consent, 'accepted');
    assert.equal(rules.beginCharge(yes.state, T0 + WEEK, consent).charge.amount, 32000, 'before the date');
    const onDate = { ...yes.state, nextChargeAt: new Date(effective).toISOString() };
    assert.equal(rules.plan(onDate, effective, consent).kind, 'charge');
    const { state, charge: c } = rules.beginCharge(onDate, effective, consent);
    assert.deepEqual([c.amount, state.unitPrice, state.pendingPrice], [34000, 17000, null]);
  });

  it('refused: the notice says the last charge at the old price; a change of mind is allowed until the date', () => {
    const s = proposed();
    const no = rules.answerPrice(s, 'refuse', T0 + 1, consent);
    assert.equal(no.notice?.template, 'price_change_refused');
    const endsAfter = no.notice?.payload?.endsAfter as string;
    assert.ok(Date.parse(endsAfter) < effective && Date.parse(endsAfter) + WEEK >= effective, endsAfter);
    assert.equal(
      rules.answerPrice(no.state, 'refuse', T0 + 2, consent).notice,
      undefined,
      'the same answer twice',
    );
    const onDate = { ...no.state, nextChargeAt: new Date(effective).toISOString() };
    assert.equal(rules.priceDeadline(onDate, effective, consent).state.endReason, 'price_refused');
    const yes = rules.answerPrice(no.state, 'accept', T0 + 3, consent);
    assert.equal(yes.state.pendingPrice?.consent, 'accepted');
    assert.match(rules.checkPriceAnswer(s, 'r1', T0)!.message, /바뀌었습니다/, 'another revision');
    assert.match(rules.checkPriceAnswer(s, 'r2', effective)!.message, /기한/, 'too late');
    assert.match(rules.checkPriceAnswer(active(), 'r2', T0)!.message, /없습니다/, 'nothing pending');
  });

  it('keep (configuration): on the date an unanswered increase lapses and the old price goes on', () => {
    const keep = { ...consent, priceChangeUnanswered: 'keep' as const };
    const s = { ...proposed(), nextChargeAt: new Date(effective).toISOString() };
    const lapsed = rules.priceDeadline(s, effective, keep);
    assert.deepEqual(
      [lapsed.state.status, lapsed.state.pendingPrice, lapsed.state.unitPrice],
      ['active', null, 16000],
    );
    assert.equal(rules.beginCharge(lapsed.state, effective, keep).charge.amount, 32000);
  });

  it('the reminder goes out once, the reminder period before the date; the flow waits for it', () => {
    const s = proposed({ nextChargeAt: new Date(T0 + 10 * NOTICE).toISOString() });
    const remindAt = effective - consent.priceChangeReminderMs;
    assert.deepEqual(rules.plan(s, T0 + 1, consent), { kind: 'wait', until: remindAt });
    assert.equal(rules.plan(s, remindAt, consent).kind, 'priceReminder');
    const r = rules.remindPrice(s, remindAt);
    assert.equal(r.notice?.template, 'price_change_reminder');
    assert.equal(r.notice?.payload?.effectiveAt, new Date(effective).toISOString());
    assert.notEqual(rules.plan(r.state, remindAt, consent).kind, 'priceReminder');
    const answered = rules.answerPrice(s, 'accept', T0 + 1, consent).state;
    assert.equal(rules.priceReminderAt(answered, consent), null, 'no reminder once answered');
  });

  it('a decrease applies from the next cycle with a notice, and withdraws a pending increase', () => {
    const down = rules.proposePrice(active(), change(15000, T0 + NOTICE), T0, consent)!;
    assert.equal(down.state.unitPrice, 15000);
    assert.equal(down.notice?.template, 'subscription_price_changed');
    assert.equal(rules.beginCharge(down.state, T0, consent).charge.amount, 30000);
    const pending = proposed();
    const back = rules.proposePrice(pending, change(16000, T0, 'r3'), T0 + 1, consent)!;
    assert.deepEqual([back.state.pendingPrice, back.notice?.template], [null, 'price_change_withdrawn']);
    const higher = rules.proposePrice(pending, change(18000, T0, 'r4'), T0 + 1, consent)!;
    assert.deepEqual(
      [higher.state.pendingPrice?.unitPrice, higher.state.pendingPrice?.consent],
      [18000, 'pending'],
    );
  });

  it('a repeated revision, an unchanged price, an ended subscription or a weight no longer offered change no price', () => {
    const once = rules.proposePrice(active(), change(17000, T0), T0, consent)!;
    assert.equal(rules.proposePrice(once.state, change(17000, T0), T0, consent), null);
    const same = rules.proposePrice(active(), change(16000, T0, 'r3'), T0, consent)!;
    assert.equal(same.notice, undefined);
    assert.equal(same.state.priceRevisionId, 'r3');
    assert.equal(
      rules.proposePrice({ ...active(), status: 'canceled' }, change(17000, T0), T0, consent),
      null,
    );
    const gone = rules.proposePrice(
      active({ options: { ...options, grams: 1000 } }),
      change(17000, T0),
      T0,
      settings,
    )!;
    assert.equal(gone.state.unitPrice, 16000);
  });
});

describe('subscription rules: 결제 예정 안내', () => {
  const noticed = { ...settings, noticeBeforeChargeMs: 200 };
  const next = new Date(T0 + WEEK).toISOString();

  it('goes out the notice period before each charge, once per charge date, with the amount it will charge', () => {
    const s = active({ nextChargeAt: next, cycle: 1 });
    assert.deepEqual(rules.plan(s, T0, noticed), { kind: 'wait', until: T0 + WEEK - 200 });
    assert.equal(rules.plan(s, T0 + WEEK - 200, noticed).kind, 'chargeNotice');
    const n = rules.chargeNotice(s, noticed);
    assert.equal(n.notice?.template, 'payment_upcoming');
    assert.deepEqual(
      [n.notice?.payload?.amount, n.notice?.payload?.chargeAt, n.notice?.payload?.cycle],
      [32000, next, 2],
    );
    assert.deepEqual(rules.plan(n.state, T0 + WEEK - 100, noticed), { kind: 'wait', until: T0 + WEEK });
  });

  it('none while paused, for a skipped cycle, a cancel at the end of the term, a retry, or when not configured', () => {
    const s = active({ nextChargeAt: next });
    for (const over of [{ status: 'paused' as const }, { skipNext: true }, { cancelAtPeriodEnd: true }]) {
      assert.notEqual(
        rules.plan({ ...s, ...over }, T0 + WEEK - 100, noticed).kind,
        'chargeNotice',
        JSON.stringify(over),
      );
    }
    const retrying = { ...s, status: 'past_due' as const, nextRetryAt: next };
    assert.notEqual(rules.plan(retrying, T0 + WEEK - 100, noticed).kind, 'chargeNotice');
    assert.notEqual(rules.plan(s, T0 + WEEK - 100, settings).kind, 'chargeNotice', 'noticeBeforeChargeMs 0');
    assert.notEqual(rules.plan(s, T0 + WEEK - 100, { ...noticed, notices: false }).kind, 'chargeNotice');
  });

  it('a moved charge date (resume, skip) gets its own notice', () => {
    const n = rules.chargeNotice(active({ nextChargeAt: next }), noticed).state;
    const moved = rules.skipDue({ ...n, skipNext: true }, noticed).state;
    const at = Date.parse(moved.nextChargeAt!) - 200;
    assert.equal(rules.plan(moved, at, noticed).kind, 'chargeNotice');
  });
});

describe('subscription rules: carried state', () => {
  it('a state carried by a run before v2 gets every new field with its neutral value', () => {
    const old = { ...active() } as Partial<SubscriptionState>;
    delete old.nextRetryAt;
    delete old.chargeAttempts;
    delete old.retryNow;
    delete old.pendingPrice;
    const s = rules.stateFromInput({
      carried: old as SubscriptionState,
      firstChargeAt: new Date(T0).toISOString(),
      options,
      unitPrice: 16000,
    } as never);
    assert.deepEqual([s.nextRetryAt, s.chargeAttempts, s.retryNow, s.pendingPrice], [null, 0, false, null]);
    assert.equal(s.status, 'active');
  });
});

describe('배송지 변경', () => {
  const to = {
    name: '김고객',
    phone: '010-1234-5678',
    postcode: '04524',
    address1: '서울특별시 중구 세종대로 110',
    address2: '3층',
    memo: '문 앞',
  };

  it('takes a structured address, and refuses a missing, malformed or free-text one', () => {
    assert.equal(rules.checkChangeAddress(to), null);
    assert.equal(rules.checkChangeAddress({ ...to, address2: undefined, memo: undefined }), null);
    for (const bad of [
      null,
      'somewhere',
      { ...to, postcode: '1234' },
      { ...to, postcode: 4524 },
      { ...to, name: '  ' },
      { ...to, address1: '서울' },
      { ...to, memo: 'x'.repeat(101) },
      { name: '김고객', phone: '010-1234-5678', address: '서울특별시 중구 세종대로 110' },
    ]) {
      assert.equal(rules.checkChangeAddress(bad)?.code, 'VALIDATION_FAILED', JSON.stringify(bad));
    }
  });

  it('reaches orders until they ship: to roast and roasted follow, shipped, delivered and canceled keep theirs', () => {
    assert.deepEqual(
      ['to_roast', 'roasted', 'shipped', 'delivered', 'canceled'].filter(rules.addressFollowsOrder),
      ['to_roast', 'roasted'],
    );
  });
});

describe('이 카드로 결제 (useCard)', () => {
  const saved = '6f1c2a9e-1b7d-4c1e-9a55-0c5f0e4b2a11';

  it('takes a saved card id, refuses anything else and the card already charged', () => {
    assert.equal(rules.checkUseCard(active(), { cardId: saved }), null);
    for (const bad of [undefined, null, {}, { cardId: 42 }, { cardId: 'card-2' }, { cardId: `${saved}x` }])
      assert.equal(rules.checkUseCard(active(), bad)?.code, 'VALIDATION_FAILED', JSON.stringify(bad));
    const same = rules.checkUseCard(active({ cardId: saved }), { cardId: saved });
    assert.deepEqual([same?.code, same?.reason], ['CONFLICT', 'card_already_used']);
  });

  it('charges the chosen card from now on; a payment that is due is tried again at once', () => {
    const plain = rules.useCard(active(), { cardId: saved, cardMasked: '53651012****789*' }).state;
    assert.deepEqual(
      [plain.cardId, plain.cardMasked, plain.status, plain.retryNow],
      [saved, '53651012****789*', 'active', false],
    );
    const { state, charge: c } = charge(active(), T0);
    const pastDue = rules.declined(state, declinedResult(true), c, settings).state;
    const moved = rules.useCard(pastDue, { cardId: saved, cardMasked: '53651012****789*' }).state;
    assert.deepEqual([moved.status, moved.needsNewCard, moved.retryNow], ['past_due', false, true]);
    assert.equal(charge(moved, T0 + 10).charge.attempt, 2);
  });
});
