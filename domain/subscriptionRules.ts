// The subscription's rules as pure functions of its state (no I/O, no Temporal): what each event or customer action
// does to a subscription, and what the workflow should do next. The workflow (workflows/subscription.ts) only runs
// them in turn and carries out their effects; see docs/architecture.md#subscription.
import { nextCycle } from './calendar';
import { cardFailureWords, PROVIDER_UNAVAILABLE } from './cardErrors';
import type { Actor } from './partner';
import type {
  ChargeResult,
  PriceChange,
  SubscriptionInput,
  SubscriptionOptions,
  SubscriptionSettings,
  SubscriptionState,
} from './subscription';

/** Why an action is refused: an API error code and a message for the customer (Korean first). */
export interface Refusal {
  code: 'CONFLICT' | 'FORBIDDEN' | 'VALIDATION_FAILED';
  message: string;
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

/** Every setting with its default (inputs of runs started before a setting existed lack it). */
export type Settings = Required<SubscriptionSettings>;

export const defaultSettings = {
  historyLimit: 2000,
  errorBackoffMs: 60_000,
  connectWaitMs: 15_000,
  connectBudgetMs: 10 * 60_000,
  cardChangeBudgetMs: 20_000,
} as const;

export function settingsOf(s: SubscriptionSettings): Settings {
  return {
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
const refuse = (message: string, code: Refusal['code'] = 'CONFLICT'): Refusal => ({ code, message });

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
    return refuse('이 구독을 변경할 권한이 없습니다.', 'FORBIDDEN');
  }
  if (s.status === 'canceled') return refuse('이미 해지된 구독입니다.');
  if (s.status === 'card_failed') return refuse('카드 등록에 실패한 구독입니다. 새로 구독해 주세요.');
  if (s.status === 'connecting' && action !== 'cancel')
    return refuse('카드 등록을 확인하고 있습니다. 잠시 후 다시 시도해 주세요.');
  return null;
}

export function checkPause(s: SubscriptionState): Refusal | null {
  if (s.status === 'paused') return refuse('이미 일시정지된 구독입니다.');
  return s.status === 'active' ? null : refuse('구독 중일 때만 일시정지할 수 있습니다.');
}

export function checkResume(s: SubscriptionState): Refusal | null {
  return s.status === 'paused' ? null : refuse('일시정지된 구독만 다시 시작할 수 있습니다.');
}

export function checkSkip(s: SubscriptionState): Refusal | null {
  if (s.status !== 'active') return refuse('구독 중일 때만 다음 배송을 건너뛸 수 있습니다.');
  return s.skipNext ? refuse('다음 배송은 이미 건너뛰도록 되어 있습니다.') : null;
}

export function checkChangeOptions(args: unknown): Refusal | null {
  if (!args || typeof args !== 'object' || Object.keys(args).length === 0)
    return refuse('바꿀 내용이 없습니다.', 'VALIDATION_FAILED');
  return null;
}

export function checkCancel(s: SubscriptionState, when: unknown): Refusal | null {
  if (when !== 'now' && when !== 'period_end')
    return refuse('when must be now or period_end', 'VALIDATION_FAILED');
  if (when === 'period_end' && s.cancelAtPeriodEnd && s.status === 'active')
    return refuse('이미 이번 주기 후 해지가 예약되어 있습니다.');
  return null;
}

// ——— Customer actions ———

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

/**
 * Cancel now, or when the current cycle ends. Only an active subscription has a cycle to finish: any other is
 * cancelled at once (a past-due one has nothing paid to run out, a connecting one nothing at all).
 */
export function cancel(
  s: SubscriptionState,
  when: 'now' | 'period_end',
  now: number,
  reason?: string,
): Change {
  if (when === 'period_end' && s.status === 'active') {
    return {
      state: { ...s, cancelAtPeriodEnd: true },
      notice: {
        template: 'subscription_cancel_scheduled',
        key: 'cancel-scheduled',
        payload: { endsAt: s.nextChargeAt },
      },
    };
  }
  return {
    state: {
      ...s,
      status: 'canceled',
      paymentState: 'idle',
      nextRetryAt: null,
      retryNow: false,
      canceledAt: iso(now),
    },
    notice: { template: 'subscription_canceled', key: 'canceled', payload: { reason: reason ?? null } },
  };
}

// ——— Price changes (the product's publication proposes; the subscription decides when it applies) ———

/**
 * A new price for the subscribed weight. It applies to the first charge at or after `effectiveAt` (at once when that
 * has passed); the subscriber is told the new amount and from when. A repeated proposal, an ended subscription, or a
 * weight the product no longer offers changes nothing but the revision seen.
 */
export function proposePrice(s: SubscriptionState, change: PriceChange, now: number): Change | null {
  if (ended(s) || s.priceRevisionId === change.revisionId) return null;
  const seen = { ...s, priceRevisionId: change.revisionId };
  const weight = change.weights.find((w) => w.grams === s.options.grams);
  const target = s.pendingPrice?.unitPrice ?? s.unitPrice;
  if (!weight || weight.priceKrw === target) return { state: seen };
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

/** The pending price takes over when the charge it was announced for comes due. */
export function applyDuePrice(s: SubscriptionState, dueAt: number): SubscriptionState {
  const p = s.pendingPrice;
  if (!p || Date.parse(p.effectiveAt) > dueAt) return s;
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
  | { kind: 'suspend' };

/** When the next charge (or retry) is due. */
export function dueAt(s: SubscriptionState, now: number): number {
  if (s.retryNow) return now;
  return Date.parse(s.nextRetryAt ?? s.nextChargeAt!);
}

export function plan(s: SubscriptionState, now: number, settings: Settings): Plan {
  if (ended(s)) return { kind: 'end' };
  if (s.status === 'connecting' || s.status === 'paused') return { kind: 'wait', until: null };
  if (s.status === 'suspended' && !s.retryNow) return { kind: 'wait', until: null };
  if (s.status === 'past_due' && s.needsNewCard && !s.retryNow) {
    // Waiting for a new card; the subscription is suspended when the ladder would have ended.
    const deadline = Date.parse(s.firstDeclineAt!) + settings.dunningLadderMs.at(-1)!;
    return deadline <= now ? { kind: 'suspend' } : { kind: 'wait', until: deadline };
  }
  const due = dueAt(s, now);
  if (due > now) return { kind: 'wait', until: due };
  if (s.status === 'active' && s.cancelAtPeriodEnd) return { kind: 'endOfTerm' };
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
  const state = applyDuePrice(s, dueAt(s, now));
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
    state: { ...s, status: 'canceled', paymentState: 'idle', canceledAt: iso(now) },
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
