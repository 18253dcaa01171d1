// The subscription's rules as pure functions of its state (no I/O, no Temporal): what each event or customer action
// does to a subscription, and what the workflow should do next. The workflow (workflows/subscription.ts) only runs
// them in turn and carries out their effects; see docs/architecture.md#subscription.
import { nextCycle } from './calendar';
import { cardFailureWords, PROVIDER_UNAVAILABLE } from './cardErrors';
import type { Actor } from './partner';
import type {
  CancelArgs,
  ChargeResult,
  PendingPrice,
  PriceChange,
  SubscriptionInput,
  SubscriptionOptions,
  SubscriptionSettings,
  SubscriptionState,
} from './subscription';

/**
 * Why an action is refused: an API error code, a message (Korean first) and, where the page words it itself, a reason
 * key (`err.reason.<reason>` in the UI's messages).
 */
export interface Refusal {
  code: 'CONFLICT' | 'FORBIDDEN' | 'VALIDATION_FAILED';
  message: string;
  /** A machine key for the page's own words (`err.reason.<reason>` in the UI's messages). */
  reason?: string;
}

/** A notice to the subscriber; `key` makes it once-only (the outbox dedupes on it). */
export interface Notice {
  template: string;
  key: string;
  payload?: Record<string, unknown>;
}

/** A transition's result: the new state and what the subscriber should hear about it. */
export interface Change {
  state: SubscriptionState;
  notice?: Notice;
}

/** A card the provider connected (only its id and masked number: the billing key never leaves the activity). */
export interface ConnectedCard {
  cardId: string;
  cardMasked: string;
}

/** A failure as the workflow saw it (a decline is a ChargeResult, not a failure). */
export interface Fault {
  code: string;
  message: string;
}

/**
 * Every setting with its default (inputs of runs started before a setting existed lack it), and whether the run
 * sends notices and asks consent to price increases (`notices`: runs recorded before that did neither).
 */
export type Settings = Required<SubscriptionSettings> & { notices: boolean };

const DAY = 86_400_000;

export const defaultSettings = {
  historyLimit: 2000,
  errorBackoffMs: 60_000,
  connectWaitMs: 15_000,
  connectBudgetMs: 10 * 60_000,
  cardChangeBudgetMs: 20_000,
  noticeBeforeChargeMs: 0,
  priceChangeNoticeMs: 30 * DAY,
  priceChangeReminderMs: 7 * DAY,
  priceChangeUnanswered: 'end',
} as const;

export function settingsOf(s: SubscriptionSettings, notices = true): Settings {
  return {
    notices,
    noticeBeforeChargeMs: s.noticeBeforeChargeMs ?? defaultSettings.noticeBeforeChargeMs,
    priceChangeNoticeMs: s.priceChangeNoticeMs ?? defaultSettings.priceChangeNoticeMs,
    priceChangeReminderMs: s.priceChangeReminderMs ?? defaultSettings.priceChangeReminderMs,
    priceChangeUnanswered: s.priceChangeUnanswered ?? defaultSettings.priceChangeUnanswered,
    weekMs: s.weekMs,
    dunningLadderMs: s.dunningLadderMs,
    historyLimit: s.historyLimit ?? defaultSettings.historyLimit,
    errorBackoffMs: s.errorBackoffMs ?? defaultSettings.errorBackoffMs,
    connectWaitMs: s.connectWaitMs ?? defaultSettings.connectWaitMs,
    connectBudgetMs: s.connectBudgetMs ?? defaultSettings.connectBudgetMs,
    cardChangeBudgetMs: s.cardChangeBudgetMs ?? defaultSettings.cardChangeBudgetMs,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const refuse = (message: string, code: Refusal['code'] = 'CONFLICT', reason?: string): Refusal =>
  reason ? { code, message, reason } : { code, message };

/** A new subscription's state: connecting its card, nothing charged, the first charge at `firstChargeAt`. */
export function initialState(
  firstChargeAt: string,
  options: SubscriptionOptions,
  unitPrice: number,
): SubscriptionState {
  return {
    status: 'connecting',
    paymentState: 'idle',
    cycle: 0,
    nextChargeAt: firstChargeAt,
    options,
    unitPrice,
    cardId: null,
    cardMasked: null,
    skipNext: false,
    cancelAtPeriodEnd: false,
    dunningStep: 0,
    firstDeclineAt: null,
    needsNewCard: false,
    lastPayment: null,
    lastError: null,
    pausedFrom: null,
    nextRetryAt: null,
    chargeAttempts: 0,
    retryNow: false,
    pendingPrice: null,
    priceRevisionId: null,
    canceledAt: null,
    chargeNoticeFor: null,
    endReason: null,
    cancelReason: null,
  };
}

/** The state a run starts from: a new one, or the carried one with every field present (older runs carried fewer). */
export function stateFromInput(input: SubscriptionInput): SubscriptionState {
  // The fresh state's neutral values stand for the fields a carried state lacks (JSON drops what was undefined).
  return { ...initialState(input.firstChargeAt, input.options, input.unitPrice), ...input.carried };
}

/** Charges can be made in these states (a dunning retry is a charge too). */
export const chargeable = (s: SubscriptionState) => s.status === 'active' || s.status === 'past_due';
/** The workflow has finished its work in these states. */
export const ended = (s: SubscriptionState) => s.status === 'canceled' || s.status === 'card_failed';
/** The price per delivery. */
export const amountOf = (s: SubscriptionState) => s.unitPrice * s.options.quantity;

// ——— Who may act, and when ———

/** Only the subscriber (or an admin) acts, and only on a subscription that is still running. */
export function checkActor(
  s: SubscriptionState,
  actor: Actor | undefined,
  customerId: string,
  action: 'cancel' | 'other' = 'other',
): Refusal | null {
  if (
    !actor ||
    typeof actor.userId !== 'string' ||
    (actor.userId !== customerId && !(Array.isArray(actor.roles) && actor.roles.includes('admin')))
  ) {
    return refuse('이 구독을 변경할 권한이 없습니다.', 'FORBIDDEN', 'not_your_subscription');
  }
  if (s.status === 'canceled') return refuse('이미 해지된 구독입니다.', 'CONFLICT', 'subscription_canceled');
  if (s.status === 'card_failed')
    return refuse(
      '카드 등록에 실패한 구독입니다. 새로 구독해 주세요.',
      'CONFLICT',
      'subscription_card_failed',
    );
  if (s.status === 'connecting' && action !== 'cancel')
    return refuse(
      '카드 등록을 확인하고 있습니다. 잠시 후 다시 시도해 주세요.',
      'CONFLICT',
      'subscription_connecting',
    );
  return null;
}

/**
 * A subscriber pauses an active subscription (a past-due one is settled by a new card first). An admin may also pause a
 * past-due one — a suspended roaster's subscriptions stop their dunning with the rest — when `adminPastDue` says so.
 */
export function checkPause(s: SubscriptionState, adminPastDue = false): Refusal | null {
  if (s.status === 'paused') return refuse('이미 일시정지된 구독입니다.', 'CONFLICT', 'already_paused');
  return s.status === 'active' || (s.status === 'past_due' && adminPastDue)
    ? null
    : refuse('구독 중일 때만 일시정지할 수 있습니다.', 'CONFLICT', 'pause_not_active');
}

export function checkResume(s: SubscriptionState): Refusal | null {
  return s.status === 'paused'
    ? null
    : refuse('일시정지된 구독만 다시 시작할 수 있습니다.', 'CONFLICT', 'resume_not_paused');
}

export function checkSkip(s: SubscriptionState): Refusal | null {
  if (s.status !== 'active')
    return refuse('구독 중일 때만 다음 배송을 건너뛸 수 있습니다.', 'CONFLICT', 'skip_not_active');
  return s.skipNext
    ? refuse('다음 배송은 이미 건너뛰도록 되어 있습니다.', 'CONFLICT', 'already_skipped')
    : null;
}

/** A skip can be taken back until the skipped cycle's date comes (then it has happened). */
export function checkUndoSkip(s: SubscriptionState): Refusal | null {
  return s.skipNext ? null : refuse('건너뛰기로 한 배송이 없습니다.', 'CONFLICT', 'no_skip_scheduled');
}

/** A cancel at the end of the term can be taken back until the term ends (then the subscription has ended). */
export function checkUndoCancel(s: SubscriptionState): Refusal | null {
  return s.cancelAtPeriodEnd ? null : refuse('예약된 해지가 없습니다.', 'CONFLICT', 'no_cancel_scheduled');
}

export function checkChangeOptions(args: unknown): Refusal | null {
  if (!args || typeof args !== 'object' || Object.keys(args).length === 0)
    return refuse('바꿀 내용이 없습니다.', 'VALIDATION_FAILED', 'nothing_to_change');
  return null;
}

export function checkCancel(s: SubscriptionState, when: unknown): Refusal | null {
  if (when !== 'now' && when !== 'period_end')
    return refuse('when must be now or period_end', 'VALIDATION_FAILED');
  if (when === 'period_end' && s.cancelAtPeriodEnd && s.status === 'active')
    return refuse('이미 이번 주기 후 해지가 예약되어 있습니다.', 'CONFLICT', 'cancel_already_scheduled');
  return null;
}

/**
 * A new delivery address: the workflow checks its shape itself (zod stays out of the bundle; the API has checked it
 * fully) — 받는 분, 연락처, 5-digit 우편번호 and 기본주소 present. Any running subscription may change it, even paused.
 */
export function checkChangeAddress(shipTo: unknown): Refusal | null {
  const a = shipTo as Record<string, unknown> | null;
  const text = (k: string, max: number, required = true) =>
    a?.[k] === undefined ? !required : typeof a[k] === 'string' && (a[k] as string).length <= max;
  const ok =
    !!a &&
    typeof a === 'object' &&
    text('name', 60) &&
    text('phone', 20) &&
    typeof a.postcode === 'string' &&
    /^\d{5}$/.test(a.postcode) &&
    text('address1', 200) &&
    text('address2', 100, false) &&
    text('memo', 100, false) &&
    !!(a.name as string).trim() &&
    (a.address1 as string).trim().length >= 5;
  return ok ? null : refuse('배송지를 확인해 주세요.', 'VALIDATION_FAILED');
}

/** An order still takes a new address until it ships (to roast or roasted); shipped ones keep the one on the box. */
export const addressFollowsOrder = (status: string) => status === 'to_roast' || status === 'roasted';

// ——— Customer actions ———

/** A subscription that ends at `now`: nothing left to charge or retry. */
function canceledAt(s: SubscriptionState, now: number): SubscriptionState {
  return {
    ...s,
    status: 'canceled',
    paymentState: 'idle',
    nextRetryAt: null,
    retryNow: false,
    canceledAt: iso(now),
  };
}

export function pause(s: SubscriptionState, now: number): Change {
  return {
    // A charge that was being retried waits with the rest: resuming makes it due again.
    state: { ...s, status: 'paused', pausedFrom: s.status, paymentState: 'idle', nextRetryAt: null },
    notice: { template: 'subscription_paused', key: `paused:${now}` },
  };
}

export function resume(s: SubscriptionState, now: number): Change {
  const due = s.nextChargeAt && Date.parse(s.nextChargeAt) < now ? iso(now) : s.nextChargeAt;
  return {
    // A charge date that passed while paused is due now.
    state: { ...s, status: 'active', pausedFrom: null, nextChargeAt: due },
    notice: { template: 'subscription_resumed', key: `resumed:${now}` },
  };
}

export function skip(s: SubscriptionState): Change {
  return { state: { ...s, skipNext: true } };
}

/** The skip taken back: the next cycle is charged and shipped on its date (its 결제 예정 안내 goes out again). */
export function undoSkip(s: SubscriptionState): Change {
  return { state: { ...s, skipNext: false } };
}

/** The scheduled cancel taken back (해지 취소): the subscription goes on, the reason given is dropped. */
export function undoCancel(s: SubscriptionState, now: number): Change {
  return {
    state: { ...s, cancelAtPeriodEnd: false, cancelReason: null },
    notice: {
      template: 'subscription_cancel_undone',
      key: `cancel-undone:${now}`,
      payload: { nextChargeAt: s.nextChargeAt },
    },
  };
}

/** New options from the next cycle, at the price the product offers for them now. */
export function changeOptions(s: SubscriptionState, options: SubscriptionOptions, unitPrice: number): Change {
  return { state: { ...s, options, unitPrice, pendingPrice: null } };
}

/** The options a partial change leads to. */
export function mergedOptions(
  s: SubscriptionState,
  change: Partial<SubscriptionOptions>,
): SubscriptionOptions {
  return {
    grams: change.grams ?? s.options.grams,
    grind: change.grind ?? s.options.grind,
    quantity: change.quantity ?? s.options.quantity,
    cycleWeeks: change.cycleWeeks ?? s.options.cycleWeeks,
  };
}

/** A new card: a payment that is due (past due or suspended) is tried again at once. */
export function changeCard(s: SubscriptionState, card: ConnectedCard): Change {
  const due = s.status === 'past_due' || s.status === 'suspended';
  return {
    state: {
      ...s,
      cardId: card.cardId,
      cardMasked: card.cardMasked,
      ...(due ? { status: 'past_due', needsNewCard: false, retryNow: true } : {}),
    },
  };
}

/** 이 카드로 결제: a saved card's id, and not the one the subscription charges already. */
export function checkUseCard(s: SubscriptionState, args: unknown): Refusal | null {
  const cardId = (args as { cardId?: unknown } | null)?.cardId;
  if (typeof cardId !== 'string' || !/^[0-9a-f-]{36}$/i.test(cardId))
    return refuse('카드를 선택해 주세요.', 'VALIDATION_FAILED');
  if (cardId === s.cardId)
    return { ...refuse('이미 이 카드로 결제하고 있습니다.'), reason: 'card_already_used' };
  return null;
}

/** A saved card takes over (as a new card does: a payment that is due is tried again at once). */
export function useCard(s: SubscriptionState, card: ConnectedCard): Change {
  return changeCard(s, card);
}

/**
 * Cancel now, or when the current cycle ends. Only an active subscription has a cycle to finish: any other is
 * cancelled at once (a past-due one has nothing paid to run out, a connecting one nothing at all).
 */
export function cancel(
  s: SubscriptionState,
  when: 'now' | 'period_end',
  now: number,
  reason?: string,
  reasonCode?: CancelArgs['reasonCode'],
): Change {
  // The reason travels with the cancel (its row keeps it); runs before the question carried only a free text.
  const cancelReason =
    reasonCode || reason
      ? { code: reasonCode ?? null, note: reason ?? null, at: iso(now) }
      : (s.cancelReason ?? null);
  if (when === 'period_end' && s.status === 'active') {
    return {
      state: { ...s, cancelAtPeriodEnd: true, cancelReason },
      notice: {
        template: 'subscription_cancel_scheduled',
        // Each scheduling is its own notice: a cancel scheduled again after being taken back is told again.
        key: `cancel-scheduled:${now}`,
        payload: { endsAt: s.nextChargeAt },
      },
    };
  }
  return {
    state: { ...canceledAt(s, now), cancelReason },
    notice: { template: 'subscription_canceled', key: 'canceled', payload: { reason: reason ?? null } },
  };
}

// ——— Price changes (the product's publication proposes; the subscription decides when it applies) ———

/**
 * A new price for the subscribed weight, from the product's approved revision. A decrease applies from the next
 * cycle, with a notice. An increase asks the subscriber first (전자상거래법 §13⑥): it is pending with a notice of the
 * old and new price and the date it would take effect, at least the notice period after this notice; only an
 * accepted increase is ever charged (see `priceDeadline`). A newer revision replaces a pending one and asks again. A
 * repeated revision, an ended subscription, or a weight the product no longer offers changes nothing but the
 * revision seen. Runs before the consent flow (`settings.notices` false) applied the price at `effectiveAt`, unasked.
 */
export function proposePrice(
  s: SubscriptionState,
  change: PriceChange,
  now: number,
  settings: Settings,
): Change | null {
  if (ended(s) || s.priceRevisionId === change.revisionId) return null;
  const seen = { ...s, priceRevisionId: change.revisionId };
  const weight = change.weights.find((w) => w.grams === s.options.grams);
  const pending = s.pendingPrice ?? null;
  const target = pending?.unitPrice ?? s.unitPrice;
  if (!weight || weight.priceKrw === target) return { state: seen };
  if (!settings.notices) return legacyProposePrice(s, seen, change, weight, now);
  const quantity = s.options.quantity;
  const key = `price:${change.revisionId}`;
  if (weight.priceKrw === s.unitPrice) {
    // Back to today's price: the pending increase is withdrawn.
    return {
      state: { ...seen, pendingPrice: null },
      notice: {
        template: 'price_change_withdrawn',
        key,
        payload: { amount: amountOf(s), withdrawnAmount: target * quantity },
      },
    };
  }
  if (weight.priceKrw < s.unitPrice) {
    return {
      state: { ...seen, unitPrice: weight.priceKrw, pendingPrice: null },
      notice: {
        template: 'subscription_price_changed',
        key,
        payload: {
          grams: weight.grams,
          oldAmount: amountOf(s),
          newAmount: weight.priceKrw * quantity,
          from: s.nextChargeAt ?? iso(now),
        },
      },
    };
  }
  const effectiveAt = iso(Math.max(Date.parse(change.effectiveAt), now + settings.priceChangeNoticeMs));
  const next: PendingPrice = {
    revisionId: change.revisionId,
    unitPrice: weight.priceKrw,
    effectiveAt,
    consent: 'pending',
    proposedAt: iso(now),
    remindedAt: null,
    answeredAt: null,
  };
  return {
    state: { ...seen, pendingPrice: next },
    notice: { template: 'price_change_proposed', key, payload: priceNoticePayload(s, next) },
  };
}

/** What a price-change notice says: old and new amount, from when, and until when to answer. */
function priceNoticePayload(s: SubscriptionState, p: PendingPrice): Record<string, unknown> {
  return {
    grams: s.options.grams,
    oldAmount: amountOf(s),
    newAmount: p.unitPrice * s.options.quantity,
    effectiveAt: p.effectiveAt,
    respondBy: p.effectiveAt,
  };
}

function legacyProposePrice(
  s: SubscriptionState,
  seen: SubscriptionState,
  change: PriceChange,
  weight: { grams: number; priceKrw: number },
  now: number,
): Change {
  const effective = Date.parse(change.effectiveAt);
  const pending = {
    revisionId: change.revisionId,
    unitPrice: weight.priceKrw,
    effectiveAt: change.effectiveAt,
  };
  const state =
    effective <= now
      ? { ...seen, unitPrice: weight.priceKrw, pendingPrice: null }
      : { ...seen, pendingPrice: pending };
  const from = Math.max(effective, s.nextChargeAt ? Date.parse(s.nextChargeAt) : effective);
  return {
    state,
    notice: {
      template: 'subscription_price_changed',
      key: `price:${change.revisionId}`,
      payload: {
        grams: weight.grams,
        oldAmount: amountOf(s),
        newAmount: weight.priceKrw * s.options.quantity,
        from: iso(from),
      },
    },
  };
}

/** Whether the subscriber can answer a price increase now: one is pending under that revision, not yet in force. */
export function checkPriceAnswer(s: SubscriptionState, revisionId: unknown, now: number): Refusal | null {
  const p = s.pendingPrice;
  if (!p || !p.consent) return refuse('답할 가격 변경 안내가 없습니다.', 'CONFLICT', 'no_price_change');
  if (p.revisionId !== revisionId)
    return refuse(
      '가격 변경 안내가 바뀌었습니다. 새로 고친 뒤 다시 확인해 주세요.',
      'CONFLICT',
      'price_change_replaced',
    );
  if (Date.parse(p.effectiveAt) <= now)
    return refuse('가격 변경에 답할 수 있는 기한이 지났습니다.', 'CONFLICT', 'price_change_closed');
  return null;
}

/**
 * The subscriber's answer to a pending increase; they may change their mind until it takes effect. Accepted: charges
 * from the effective date are at the new price. Refused: none ever is — the subscription ends after its last cycle at
 * the old price (or keeps it: configuration), and says when.
 */
export function answerPrice(
  s: SubscriptionState,
  decision: 'accept' | 'refuse',
  now: number,
  settings: Settings,
): Change {
  const p = s.pendingPrice!;
  const consent = decision === 'accept' ? 'accepted' : 'refused';
  if (p.consent === consent) return { state: s };
  const state = { ...s, pendingPrice: { ...p, consent, answeredAt: iso(now) } } satisfies SubscriptionState;
  if (consent === 'accepted') {
    return {
      state,
      notice: {
        template: 'price_change_accepted',
        key: `price-accepted:${p.revisionId}:${now}`,
        payload: { newAmount: p.unitPrice * s.options.quantity, effectiveAt: p.effectiveAt },
      },
    };
  }
  return {
    state,
    notice: {
      template: 'price_change_refused',
      key: `price-refused:${p.revisionId}:${now}`,
      payload: {
        oldAmount: amountOf(s),
        effectiveAt: p.effectiveAt,
        policy: settings.priceChangeUnanswered,
        endsAfter:
          settings.priceChangeUnanswered === 'end'
            ? lastChargeBefore(s, Date.parse(p.effectiveAt), settings)
            : null,
      },
    },
  };
}

/** The last scheduled charge before `limit` (null: none is left — the cycle paid last is the last one). */
export function lastChargeBefore(s: SubscriptionState, limit: number, settings: Settings): string | null {
  if (!s.nextChargeAt) return null;
  let at = new Date(Date.parse(s.nextChargeAt));
  let last: Date | null = null;
  while (at.getTime() < limit) {
    last = at;
    at = nextCycle(at, s.options.cycleWeeks, settings.weekMs);
  }
  return last ? last.toISOString() : null;
}

/** A pending increase nobody accepted reaches the charge it was to apply to (never a charge at the new price). */
export function priceDeadlineDue(s: SubscriptionState, settings: Settings): boolean {
  const p = s.pendingPrice;
  return (
    settings.notices &&
    !!p?.consent &&
    p.consent !== 'accepted' &&
    !!s.nextChargeAt &&
    Date.parse(p.effectiveAt) <= Date.parse(s.nextChargeAt)
  );
}

/**
 * The effective date of an increase not accepted: the subscription ends instead of charging it (its last cycle at the
 * old price was the one before), or, where configured, goes on at the old price. Either way with a notice.
 */
export function priceDeadline(s: SubscriptionState, now: number, settings: Settings): Change {
  const p = s.pendingPrice!;
  const reason = p.consent === 'refused' ? 'price_refused' : 'price_unanswered';
  const payload = {
    reason: p.consent === 'refused' ? 'refused' : 'unanswered',
    oldAmount: amountOf(s),
    newAmount: p.unitPrice * s.options.quantity,
  };
  if (settings.priceChangeUnanswered === 'keep') {
    return {
      state: { ...s, pendingPrice: null },
      notice: { template: 'price_change_kept', key: `price-kept:${p.revisionId}`, payload },
    };
  }
  return {
    state: { ...canceledAt(s, now), endReason: reason },
    notice: { template: 'subscription_ended_price', key: 'canceled', payload },
  };
}

/** When the reminder of an unanswered increase is due (null: none is). */
export function priceReminderAt(s: SubscriptionState, settings: Settings): number | null {
  const p = s.pendingPrice;
  if (!settings.notices || p?.consent !== 'pending' || p.remindedAt) return null;
  const at = Date.parse(p.effectiveAt) - settings.priceChangeReminderMs;
  return p.proposedAt && at <= Date.parse(p.proposedAt) ? null : at;
}

/** The reminder: the same notice again, with the date it takes effect a few days away. */
export function remindPrice(s: SubscriptionState, now: number): Change {
  const p = { ...s.pendingPrice!, remindedAt: iso(now) };
  return {
    state: { ...s, pendingPrice: p },
    notice: {
      template: 'price_change_reminder',
      key: `price-reminder:${p.revisionId}`,
      payload: priceNoticePayload(s, p),
    },
  };
}

/** When the 결제 예정 안내 of the next charge is due (null: no notice — none configured, or no charge to announce). */
export function chargeNoticeAt(s: SubscriptionState, now: number, settings: Settings): number | null {
  if (!settings.notices || settings.noticeBeforeChargeMs <= 0) return null;
  if (s.status !== 'active' || s.skipNext || s.cancelAtPeriodEnd || s.retryNow || s.nextRetryAt) return null;
  if (!s.nextChargeAt || s.chargeNoticeFor === s.nextChargeAt || priceDeadlineDue(s, settings)) return null;
  const due = Date.parse(s.nextChargeAt);
  return due > now ? due - settings.noticeBeforeChargeMs : null;
}

/** 결제 예정 안내: the amount (at the price that charge will use), the date and the card. */
export function chargeNotice(s: SubscriptionState, settings: Settings): Change {
  const at = s.nextChargeAt!;
  const priced = applyDuePrice(s, Date.parse(at), settings);
  return {
    state: { ...s, chargeNoticeFor: at },
    notice: {
      template: 'payment_upcoming',
      key: `upcoming:${at}`,
      payload: { amount: amountOf(priced), chargeAt: at, cycle: s.cycle + 1, cardMasked: s.cardMasked },
    },
  };
}

/** The pending price takes over when the charge it was announced for comes due (an increase only if accepted). */
export function applyDuePrice(s: SubscriptionState, dueAt: number, settings: Settings): SubscriptionState {
  const p = s.pendingPrice;
  if (!p || Date.parse(p.effectiveAt) > dueAt) return s;
  if (settings.notices && p.consent && p.consent !== 'accepted') return s;
  return { ...s, unitPrice: p.unitPrice, pendingPrice: null };
}

// ——— The card connect at checkout ———

export function connected(s: SubscriptionState, card: ConnectedCard): Change {
  const withCard = { ...s, cardId: card.cardId, cardMasked: card.cardMasked };
  // Cancelled while the provider was asked: the card is kept, nothing starts.
  if (s.status !== 'connecting') return { state: withCard };
  return {
    state: { ...withCard, status: 'active', paymentState: 'idle', lastError: null, nextRetryAt: null },
    notice: { template: 'subscription_started', key: 'started' },
  };
}

/** A refusal the customer can act on (another account's card window, a used authKey, a refused card). */
export function connectRefused(s: SubscriptionState, fault: Fault, now: number): Change {
  if (s.status !== 'connecting') return { state: s };
  return {
    state: {
      ...s,
      status: 'card_failed',
      paymentState: 'idle',
      nextRetryAt: null,
      lastError: { code: fault.code, message: fault.message, at: iso(now) },
    },
    notice: { template: 'subscription_card_failed', key: 'card-failed', payload: { code: fault.code } },
  };
}

/**
 * Checkout found every place of the product taken (capacityPerCycle): the subscription ends before its card is
 * connected or anything is charged, and checkout answers 품절.
 */
export function soldOut(s: SubscriptionState, now: number): Change {
  if (s.status !== 'connecting') return { state: s };
  return {
    state: {
      ...canceledAt(s, now),
      endReason: 'sold_out',
      lastError: { code: 'SOLD_OUT', message: '품절된 원두입니다.', at: iso(now) },
    },
  };
}

/** The provider failed (not the card): retried after a pause, until the connect budget is spent. */
export function connectFaulted(
  s: SubscriptionState,
  fault: Fault,
  now: number,
  settings: Settings,
  startedAt: number,
): Change {
  if (s.status !== 'connecting') return { state: s };
  if (now - startedAt >= settings.connectBudgetMs) {
    return connectRefused(
      s,
      { code: PROVIDER_UNAVAILABLE, message: cardFailureWords(PROVIDER_UNAVAILABLE).ko },
      now,
    );
  }
  return {
    state: {
      ...s,
      paymentState: 'retrying',
      lastError: { code: fault.code, message: fault.message, at: iso(now) },
      nextRetryAt: iso(Math.min(now + settings.errorBackoffMs, startedAt + settings.connectBudgetMs)),
    },
  };
}

// ——— What to do next ———

/** The flow's next step, from the state alone. */
export type Plan =
  | { kind: 'end' }
  /** Wait until `until` (ms), or until an action changes the state; `null`: only an action can. */
  | { kind: 'wait'; until: number | null }
  | { kind: 'charge' }
  | { kind: 'skip' }
  | { kind: 'endOfTerm' }
  | { kind: 'suspend' }
  /** 결제 예정 안내 of the next charge. */
  | { kind: 'chargeNotice' }
  /** The reminder of a price increase not answered yet. */
  | { kind: 'priceReminder' }
  /** A price increase not accepted reaches its charge: no charge at the new price (see `priceDeadline`). */
  | { kind: 'priceDeadline' };

/** The steps the flow applies without the provider. */
export type Step = Exclude<Plan['kind'], 'end' | 'wait' | 'charge'>;

/** When the next charge (or retry) is due. */
export function dueAt(s: SubscriptionState, now: number): number {
  if (s.retryNow) return now;
  return Date.parse(s.nextRetryAt ?? s.nextChargeAt!);
}

export function plan(s: SubscriptionState, now: number, settings: Settings): Plan {
  if (ended(s)) return { kind: 'end' };
  const reminder = priceReminderAt(s, settings);
  if (reminder !== null && reminder <= now) return { kind: 'priceReminder' };
  const next = chargePlan(s, now, settings);
  if (next.kind !== 'wait' || reminder === null) return next;
  return { kind: 'wait', until: next.until === null ? reminder : Math.min(next.until, reminder) };
}

/** The next step of the charge schedule (the reminders aside). */
function chargePlan(s: SubscriptionState, now: number, settings: Settings): Plan {
  if (s.status === 'connecting' || s.status === 'paused') return { kind: 'wait', until: null };
  if (s.status === 'suspended' && !s.retryNow) return { kind: 'wait', until: null };
  if (s.status === 'past_due' && s.needsNewCard && !s.retryNow) {
    // Waiting for a new card; the subscription is suspended when the ladder would have ended.
    const deadline = Date.parse(s.firstDeclineAt!) + settings.dunningLadderMs.at(-1)!;
    return deadline <= now ? { kind: 'suspend' } : { kind: 'wait', until: deadline };
  }
  const due = dueAt(s, now);
  if (due > now) {
    const notice = chargeNoticeAt(s, now, settings);
    if (notice === null) return { kind: 'wait', until: due };
    return notice <= now ? { kind: 'chargeNotice' } : { kind: 'wait', until: notice };
  }
  if (s.status === 'active' && s.cancelAtPeriodEnd) return { kind: 'endOfTerm' };
  if (priceDeadlineDue(s, settings)) return { kind: 'priceDeadline' };
  if (s.status === 'active' && s.skipNext) return { kind: 'skip' };
  return { kind: 'charge' };
}

// ——— The charge ———

/** What one charge round asks the provider for. */
export interface ChargePlan {
  cycle: number;
  attempt: number;
  lookupFirst: boolean;
  amount: number;
  options: SubscriptionOptions;
  unitPrice: number;
  /** The next charge date if this one is approved (the schedule moves past `now`). */
  following: string;
}

/** The charge of the due cycle, with a pending price applied if its time has come. */
export function beginCharge(
  s: SubscriptionState,
  now: number,
  settings: Settings,
): { state: SubscriptionState; charge: ChargePlan } {
  // The price of the cycle's own charge date (a dunning retry after an increase's date still charges the old one).
  const state = applyDuePrice(s, settings.notices ? Date.parse(s.nextChargeAt!) : dueAt(s, now), settings);
  let following = nextCycle(Date.parse(state.nextChargeAt!), state.options.cycleWeeks, settings.weekMs);
  while (following.getTime() <= now)
    following = nextCycle(following, state.options.cycleWeeks, settings.weekMs);
  return {
    state,
    charge: {
      cycle: state.cycle + 1,
      attempt: (state.chargeAttempts ?? 0) + 1,
      // After any doubt (an error, or a retry of a declined cycle) the order is looked up before a new charge.
      lookupFirst: state.paymentState === 'retrying',
      amount: amountOf(state),
      options: state.options,
      unitPrice: state.unitPrice,
      following: following.toISOString(),
    },
  };
}

/** Paid: the cycle counts, the schedule moves on, dunning ends. A pause or cancel made meanwhile stays. */
export function approved(
  s: SubscriptionState,
  r: ChargeResult & { outcome: 'approved' },
  c: ChargePlan,
): Change {
  return {
    state: {
      ...s,
      status: chargeable(s) || s.status === 'suspended' ? 'active' : s.status,
      cycle: c.cycle,
      lastPayment: { paymentId: r.paymentId, cycle: c.cycle, amount: r.amount, approvedAt: r.approvedAt },
      nextChargeAt: c.following,
      paymentState: 'idle',
      dunningStep: 0,
      firstDeclineAt: null,
      needsNewCard: false,
      lastError: null,
      chargeAttempts: 0,
      nextRetryAt: null,
      retryNow: false,
    },
  };
}

/**
 * Declined: a card no retry can fix waits for a new one; otherwise the next step of the dunning ladder (counted from
 * the first decline), and after the last one the subscription is suspended.
 */
export function declined(
  s: SubscriptionState,
  r: ChargeResult & { outcome: 'declined' },
  c: ChargePlan,
  settings: Settings,
): Change {
  const attempts = c.attempt;
  const lastError = { code: r.code, message: r.message, at: r.at };
  if (!chargeable(s)) return { state: { ...s, lastError, chargeAttempts: attempts, retryNow: false } };
  const firstDeclineAt = s.firstDeclineAt ?? r.at;
  const base = { ...s, lastError, chargeAttempts: attempts, retryNow: false, firstDeclineAt };
  if (r.needsNewCard) {
    return {
      state: { ...base, status: 'past_due', needsNewCard: true, paymentState: 'declined', nextRetryAt: null },
      notice: {
        template: 'payment_card_needed',
        key: `card-needed:${c.cycle}:${attempts}`,
        payload: { code: r.code },
      },
    };
  }
  const step = s.dunningStep + 1;
  const ladder = settings.dunningLadderMs;
  if (step <= ladder.length) {
    const retryAt = iso(Date.parse(firstDeclineAt) + ladder[step - 1]!);
    return {
      // A retry is on the ladder: ops' `PaymentState="retrying"` lists it.
      state: {
        ...base,
        status: 'past_due',
        dunningStep: step,
        paymentState: 'retrying',
        nextRetryAt: retryAt,
      },
      notice: {
        template: 'payment_failed',
        key: `declined:${c.cycle}:${step}`,
        payload: { code: r.code, retryAt },
      },
    };
  }
  return {
    state: { ...base, status: 'suspended', dunningStep: step, paymentState: 'declined', nextRetryAt: null },
    notice: { template: 'subscription_suspended', key: `suspended:${c.cycle}`, payload: { code: r.code } },
  };
}

/** Not a decline: the provider or the database failed. Tried again after the configured pause, looking up first. */
export function chargeFaulted(s: SubscriptionState, fault: Fault, now: number, settings: Settings): Change {
  const lastError = { code: fault.code, message: fault.message, at: iso(now) };
  // Paused or cancelled meanwhile: nothing to retry.
  if (!chargeable(s)) return { state: { ...s, lastError, retryNow: false } };
  return {
    state: {
      ...s,
      paymentState: 'retrying',
      lastError,
      retryNow: false,
      nextRetryAt: iso(now + settings.errorBackoffMs),
    },
  };
}

/** The skipped cycle is neither charged nor shipped; the schedule moves on by one cycle. */
export function skipDue(s: SubscriptionState, settings: Settings): Change {
  const next = nextCycle(Date.parse(s.nextChargeAt!), s.options.cycleWeeks, settings.weekMs).toISOString();
  return {
    state: { ...s, skipNext: false, nextChargeAt: next },
    notice: { template: 'delivery_skipped', key: `skipped:${s.cycle + 1}`, payload: { nextChargeAt: next } },
  };
}

/** A cancel at the end of the cycle takes effect when the next charge would have been made. */
export function endOfTerm(s: SubscriptionState, now: number): Change {
  return {
    state: canceledAt(s, now),
    notice: { template: 'subscription_canceled', key: 'canceled' },
  };
}

/** No new card by the end of the ladder: suspended (no charge, no shipment) until one arrives. */
export function suspendForCard(s: SubscriptionState): Change {
  return {
    state: { ...s, status: 'suspended', paymentState: 'declined' },
    notice: {
      template: 'subscription_suspended',
      key: `suspended:${s.cycle + 1}`,
      payload: { code: s.lastError?.code ?? null },
    },
  };
}
