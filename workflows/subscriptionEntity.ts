import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  currentUpdateInfo,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Activities } from '../activities';
import type { SubscriptionPatch } from '../activities/subscription';
import type { AuditAction, AuditEntry } from '../domain/audit';
import { cardFailureWords } from '../domain/cardErrors';
import {
  activateUpdate,
  cancelSubscriptionUpdate,
  changeAddressUpdate,
  changeCardUpdate,
  changeOptionsUpdate,
  pauseUpdate,
  priceChangeSignal,
  respondToPriceChangeUpdate,
  resumeUpdate,
  rewriteRowSignal,
  skipNextUpdate,
  subscriptionStateQuery,
  undoCancelUpdate,
  undoSkipUpdate,
  useCardUpdate,
  type SubscriptionWorkflow,
} from '../domain/contracts/subscription';
import type { Actor } from '../domain/partner';
import { NextChargeAt, PaymentState, SubscriptionStatus } from '../domain/searchAttributes';
import type {
  ChargeResult,
  ConnectResult,
  PriceChange,
  SubscriptionInput,
  SubscriptionState,
} from '../domain/subscription';
import * as rules from '../domain/subscriptionRules';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** Runs from this marker on send 결제 예정 안내 and ask consent to price increases (earlier runs replay without). */
export const NOTICES_PATCH = 'subscription-notices';
/** Runs from this marker on refuse a resume while the roaster is suspended (a read before the resume). */
export const RESUME_CHECKS_PARTNER_PATCH = 'resume-checks-partner';
/** Runs from this marker on erase the card a card change replaced, when nothing else charges it. */
export const CARD_RELEASE_PATCH = 'card-release';
/** Runs from this marker on an admin may pause a past-due subscription (a roaster's suspension stops its dunning). */
export const ADMIN_PAUSES_PAST_DUE_PATCH = 'admin-pauses-past-due';
const isAdmin = (actor: Actor | undefined) => Array.isArray(actor?.roles) && actor.roles.includes('admin');
// The first connect: a few quick attempts per round; the flow retries rounds on the connect budget (visible to ops).
const connecting = proxyActivities<Activities>({
  startToCloseTimeout: '70s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});
// The charge runs as a local activity (one workflow task per cycle): safe because it is idempotent and looks the
// order up after any doubt. A few quick attempts; then the flow marks the payment "retrying" and tries again later.
const pay = proxyLocalActivities<Activities>({
  startToCloseTimeout: '90s',
  localRetryThreshold: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '8s', maximumAttempts: 4 },
});

function refuse(r: { code: string; message: string; reason?: string } | null): void {
  // The reason (a machine key) travels as the failure's first detail: the API answers it as the error's details.
  if (r)
    throw ApplicationFailure.nonRetryable(r.message, r.code, ...(r.reason ? [{ reason: r.reason }] : []));
}

/** What a failed activity says went wrong, for the state, the memo and ops. */
function faultOf(err: unknown): rules.Fault {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure) return { code: 'TIMEOUT', message: cause.message };
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'ERROR', message: cause.message };
  return { code: 'ERROR', message: (cause as Error)?.message ?? String(cause) };
}

/** What the memo says of a state: the last error while a retry is scheduled, else nothing. */
function memoKey(s: SubscriptionState): string | null {
  return s.paymentState === 'retrying' && s.lastError ? `${s.lastError.code}|${s.lastError.at}` : null;
}

/** The row the read model keeps of a state. */
function rowOf(s: SubscriptionState): SubscriptionPatch {
  return {
    status: s.status,
    paymentState: s.paymentState,
    cycle: s.cycle,
    nextChargeAt: s.nextChargeAt,
    skipNext: s.skipNext,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    dunningStep: s.dunningStep,
    nextRetryAt: s.nextRetryAt ?? null,
    lastError: s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : null,
    ...(s.cardId && s.cardMasked ? { cardId: s.cardId, cardMasked: s.cardMasked } : {}),
    grams: s.options.grams,
    grind: s.options.grind,
    quantity: s.options.quantity,
    cycleWeeks: s.options.cycleWeeks,
    unitPrice: s.unitPrice,
    amount: rules.amountOf(s),
    pendingChange: s.pendingPrice ?? null,
    ...(s.canceledAt ? { canceledAt: s.canceledAt } : {}),
    ...(s.endReason ? { endReason: s.endReason } : {}),
    cancelReasonCode: s.cancelReason?.code ?? null,
    cancelReasonNote: s.cancelReason?.note ?? null,
    cancelReasonAt: s.cancelReason?.at ?? null,
  };
}

const AUDITED: Record<string, AuditAction> = {
  pause: 'subscription.pause',
  resume: 'subscription.resume',
  cancel: 'subscription.cancel',
  skipNext: 'subscription.skip',
  changeOptions: 'subscription.change',
};

/** What an admin's action on someone's subscription leaves in the audit log (null: not an audited action). */
function adminAudit(
  subscriptionId: string,
  key: string,
  actor: Actor,
  update: string,
  before: SubscriptionState,
  after: SubscriptionState,
  reason: string | undefined,
): AuditEntry | undefined {
  const action = AUDITED[update];
  if (!action) return undefined;
  const view = (s: SubscriptionState) => ({
    status: s.status,
    nextChargeAt: s.nextChargeAt,
    skipNext: s.skipNext,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
  });
  return {
    actorId: actor.userId,
    action,
    targetType: 'subscription',
    targetId: subscriptionId,
    before: view(before),
    after: view(after),
    reason: reason ?? null,
    dedupeKey: `subscription:${subscriptionId}:${key}`,
  };
}

/**
 * One subscription's state and the customer's actions on it. Every change — an action (Update), a price change
 * (Signal) or a step of the flow — is a pure transition (domain/subscriptionRules.ts) applied in turn under one mutex,
 * then published (search attributes, memo) and written to the read model. Nothing waits on the provider, a timer or
 * a sleep while holding the mutex: the card connects and the charge happens outside it, so an Update answers within
 * seconds whatever the provider does.
 */
export class SubscriptionEntity {
  private s: SubscriptionState;
  private readonly lock = new Mutex();
  /** Bumped by every action: the flow's wait ends and it plans again. */
  private version = 0;
  private readonly published: Record<string, unknown> = {};
  private memoError: string | null = null;
  /** The status the read model holds (written after the state changes): checkout answers once the row says it. */
  private savedStatus: SubscriptionState['status'];
  private connectScope: CancellationScope | null = null;
  /** Checkouts waiting for the card to connect (the `activate` Update). */
  private activating = 0;
  /** Cancelled at once by the customer (not at the end of a term). */
  private withdrawn = false;
  readonly settings: rules.Settings;
  /** A card change talks to the provider on a budget the customer can wait for. */
  private readonly cardChange: Activities;
  /** Where it ships (changed by 배송지 변경; the row holds it for the charges). */
  private shipTo: SubscriptionInput['shipTo'];

  constructor(private readonly input: SubscriptionInput) {
    this.s = rules.stateFromInput(input);
    this.shipTo = input.shipTo;
    this.savedStatus = this.s.status;
    this.settings = rules.settingsOf(input.settings, patched(NOTICES_PATCH));
    const budget = this.settings.cardChangeBudgetMs;
    this.cardChange = proxyActivities<Activities>({
      startToCloseTimeout: budget,
      scheduleToCloseTimeout: budget,
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s' },
    });
    // A carried run's memo (continue-as-new keeps it) still holds the error its predecessor published.
    this.memoError = memoKey(this.s);
    this.handlers();
    this.addressHandler();
  }

  get state(): SubscriptionState {
    return this.s;
  }

  private get id(): string {
    return this.input.subscriptionId;
  }

  // ——— Applying changes ———

  /** Search attributes (what ops filter on) and the memo (why a payment is retrying), written only when they change. */
  private publish(): void {
    const s = this.s;
    const next = {
      SubscriptionStatus: s.status,
      PaymentState: s.paymentState,
      NextChargeAt:
        s.nextChargeAt && s.status !== 'canceled'
          ? new Date(Date.parse(s.nextRetryAt ?? s.nextChargeAt)).toISOString()
          : null,
    };
    const changes = [];
    if (this.published.SubscriptionStatus !== next.SubscriptionStatus)
      changes.push({ key: SubscriptionStatus, value: next.SubscriptionStatus });
    if (this.published.PaymentState !== next.PaymentState)
      changes.push({ key: PaymentState, value: next.PaymentState });
    if (this.published.NextChargeAt !== next.NextChargeAt)
      changes.push({ key: NextChargeAt, value: next.NextChargeAt ? new Date(next.NextChargeAt) : null });
    if (changes.length) upsertSearchAttributes(changes as never);
    Object.assign(this.published, next);
    const memo = memoKey(s);
    if (memo !== this.memoError) {
      upsertMemo({ lastError: memo ? s.lastError : null });
      this.memoError = memo;
    }
  }

  /** Takes a transition's state, publishes it and (unless the charge already did) writes the row and the notice. */
  private async commit(change: rules.Change, save = true, audit?: AuditEntry): Promise<void> {
    this.s = change.state;
    this.publish();
    if (!save && !change.notice) return;
    const n = change.notice;
    const status = this.s.status;
    await acts.saveSubscription({
      subscriptionId: this.id,
      patch: rowOf(this.s),
      notify: n && {
        dedupeKey: `subscription:${this.id}:${n.key}`,
        recipientUserId: this.input.customerId,
        template: n.template,
        payload: {
          subscriptionId: this.id,
          productName: this.input.productName,
          ...n.payload,
          // The customer hears that Dalgona acted, and why.
          ...(audit ? { byAdmin: true, reason: audit.reason } : {}),
        },
      },
      ...(audit ? { audit } : {}),
    });
    this.savedStatus = status;
  }

  /** One action's turn: checked again (the state may have moved since its validator ran), applied, written. */
  private act(
    actor: Actor,
    who: 'cancel' | 'other',
    check: (s: SubscriptionState) => rules.Refusal | null,
    transition: (s: SubscriptionState) => Promise<rules.Change> | rules.Change,
    reason?: string,
  ): Promise<SubscriptionState> {
    // An admin acting for the customer is audited with the row it changes (the Update's name is the action).
    const update = currentUpdateInfo()?.name;
    return this.lock.runExclusive(async () => {
      refuse(rules.checkActor(this.s, actor, this.input.customerId, who) ?? check(this.s));
      const before = this.s;
      const change = await transition(this.s);
      const audit =
        actor.userId !== this.input.customerId && update
          ? adminAudit(
              this.id,
              `${workflowInfo().runId}:${this.version}`,
              actor,
              update,
              before,
              change.state,
              reason,
            )
          : undefined;
      await this.commit(change, true, audit);
      this.version += 1;
      return this.s;
    });
  }

  private validate(
    actor: Actor | undefined,
    who: 'cancel' | 'other',
    check: (s: SubscriptionState) => rules.Refusal | null,
  ): void {
    refuse(rules.checkActor(this.s, actor, this.input.customerId, who) ?? check(this.s));
  }

  // ——— Messages ———

  private handlers(): void {
    setHandler(subscriptionStateQuery, () => this.s);
    setHandler(activateUpdate, async () => {
      this.activating += 1;
      try {
        await condition(() => this.savedStatus !== 'connecting', this.settings.connectWaitMs);
        return this.s;
      } finally {
        this.activating -= 1;
      }
    });
    setHandler(
      pauseUpdate,
      ({ actor, reason }) =>
        this.act(
          actor,
          'other',
          // The marker only where it decides (an admin's pause of a past-due one), so older runs replay as they were.
          (s) =>
            rules.checkPause(
              s,
              s.status === 'past_due' && isAdmin(actor) && patched(ADMIN_PAUSES_PAST_DUE_PATCH),
            ),
          (s) => rules.pause(s, Date.now()),
          reason,
        ),
      {
        // Validators do not replay: no marker needed here.
        validator: ({ actor }) => this.validate(actor, 'other', (s) => rules.checkPause(s, isAdmin(actor))),
      },
    );
    setHandler(
      resumeUpdate,
      async ({ actor, reason }) => {
        // Nobody resumes a subscription to a suspended roaster (it resumes them itself when it is resumed): a read
        // outside the mutex, in runs from this marker on.
        if (
          patched(RESUME_CHECKS_PARTNER_PATCH) &&
          !(await acts.partnerIsActive({ partnerId: this.input.partnerId }))
        )
          refuse({
            code: 'CONFLICT',
            message: '로스터리가 일시 중지되어 지금은 구독을 다시 시작할 수 없습니다.',
            reason: 'partner_suspended',
          });
        return this.act(actor, 'other', rules.checkResume, (s) => rules.resume(s, Date.now()), reason);
      },
      { validator: ({ actor }) => this.validate(actor, 'other', rules.checkResume) },
    );
    setHandler(skipNextUpdate, ({ actor }) => this.act(actor, 'other', rules.checkSkip, rules.skip), {
      validator: ({ actor }) => this.validate(actor, 'other', rules.checkSkip),
    });
    setHandler(undoSkipUpdate, ({ actor }) => this.act(actor, 'other', rules.checkUndoSkip, rules.undoSkip), {
      validator: ({ actor }) => this.validate(actor, 'other', rules.checkUndoSkip),
    });
    setHandler(
      undoCancelUpdate,
      ({ actor }) => this.act(actor, 'other', rules.checkUndoCancel, (s) => rules.undoCancel(s, Date.now())),
      { validator: ({ actor }) => this.validate(actor, 'other', rules.checkUndoCancel) },
    );
    setHandler(
      changeOptionsUpdate,
      ({ actor, args }) =>
        this.act(
          actor,
          'other',
          () => rules.checkChangeOptions(args),
          async (s) => {
            // Checked against what the product offers now, at its current price (a database read, no provider).
            const quote = await acts.quoteSubscriptionOptions({
              subscriptionId: this.id,
              options: rules.mergedOptions(s, args),
            });
            if (!quote.ok) throw ApplicationFailure.nonRetryable(quote.reason, 'VALIDATION_FAILED');
            return rules.changeOptions(s, quote.options, quote.unitPrice);
          },
        ),
      { validator: ({ actor, args }) => this.validate(actor, 'other', () => rules.checkChangeOptions(args)) },
    );
    setHandler(
      changeCardUpdate,
      async ({ actor, args }) => {
        // The provider first, outside the mutex and on a budget the customer can wait for.
        const card = await this.connectForChange(args);
        const replaced = this.s.cardId;
        const state = await this.act(
          actor,
          'other',
          () => null,
          (s) => rules.changeCard(s, card),
        );
        if (patched(CARD_RELEASE_PATCH)) await this.release(replaced, card.cardId);
        return state;
      },
      {
        validator: ({ actor, args }) => {
          this.validate(actor, 'other', () => null);
          if (args?.customerKey !== this.input.customerKey)
            refuse({
              code: 'FORBIDDEN',
              message: '다른 고객의 카드 정보입니다.',
              reason: 'card_of_another_customer',
            });
        },
      },
    );
    setHandler(
      useCardUpdate,
      async ({ actor, args }) => {
        // A read outside the mutex: the card is the customer's, not removed, its billing key still here.
        const card = await acts.usableCard({ customerId: this.input.customerId, cardId: args.cardId });
        if (!card.ok) {
          const code = card.reason === 'card_not_found' ? 'NOT_FOUND' : 'CONFLICT';
          throw ApplicationFailure.nonRetryable('이 카드는 사용할 수 없습니다.', code, {
            reason: card.reason,
          });
        }
        const replaced = this.s.cardId;
        const state = await this.act(
          actor,
          'other',
          (s) => rules.checkUseCard(s, args),
          (s) => rules.useCard(s, card),
        );
        await this.release(replaced, card.cardId);
        return state;
      },
      { validator: ({ actor, args }) => this.validate(actor, 'other', (s) => rules.checkUseCard(s, args)) },
    );
    setHandler(
      cancelSubscriptionUpdate,
      async ({ actor, args }) => {
        const state = await this.act(
          actor,
          'cancel',
          (s) => rules.checkCancel(s, args.when),
          (s) => rules.cancel(s, args.when, Date.now(), args.reason, args.reasonCode),
          args.reason,
        );
        if (state.status === 'canceled') {
          // Cancelled while the card was being connected: stop waiting for the provider.
          this.connectScope?.cancel();
          // Cancelled at once: a paid cycle not shipped yet is withdrawn too (see finish).
          this.withdrawn = true;
        }
        return state;
      },
      {
        validator: ({ actor, args }) =>
          this.validate(actor, 'cancel', (s) => rules.checkCancel(s, args?.when)),
      },
    );
    setHandler(priceChangeSignal, (change) => this.proposePrice(change));
    // Only the reconciler sends it (a message old histories never hold: replay-safe): the row takes the state again.
    setHandler(rewriteRowSignal, () => this.lock.runExclusive(() => this.commit({ state: this.s })));
    setHandler(
      respondToPriceChangeUpdate,
      ({ actor, args }) =>
        this.act(
          actor,
          'other',
          (s) => rules.checkPriceAnswer(s, args.revisionId, Date.now()),
          (s) => rules.answerPrice(s, args.decision, Date.now(), this.settings),
        ),
      {
        validator: ({ actor, args }) => {
          if (args?.decision !== 'accept' && args?.decision !== 'refuse')
            refuse({ code: 'VALIDATION_FAILED', message: 'decision must be accept or refuse' });
          this.validate(actor, 'other', (s) => rules.checkPriceAnswer(s, args.revisionId, Date.now()));
        },
      },
    );
  }

  /**
   * 배송지 변경 (a message only new code sends: replay-safe): in turn under the mutex, the row and every order not
   * shipped yet take the new address; the next run is handed it too.
   */
  private addressHandler(): void {
    const check = (shipTo: unknown) => {
      const refusal = rules.checkChangeAddress(shipTo);
      if (refusal)
        throw ApplicationFailure.nonRetryable(refusal.message, refusal.code, { reason: 'address_invalid' });
    };
    setHandler(
      changeAddressUpdate,
      ({ actor, args }) =>
        this.lock.runExclusive(async () => {
          refuse(rules.checkActor(this.s, actor, this.input.customerId));
          check(args.shipTo);
          const { ordersUpdated } = await acts.changeSubscriptionAddress({
            subscriptionId: this.id,
            shipTo: args.shipTo,
          });
          this.shipTo = args.shipTo;
          return { state: this.s, ordersUpdated };
        }),
      {
        validator: ({ actor, args }) => {
          this.validate(actor, 'other', () => null);
          check(args?.shipTo);
        },
      },
    );
  }

  private proposePrice(change: PriceChange): Promise<void> {
    return this.lock.runExclusive(async () => {
      const next = rules.proposePrice(this.s, change, Date.now(), this.settings);
      if (!next) return;
      await this.commit(next, next.state.unitPrice !== this.s.unitPrice || !!next.notice);
      this.version += 1;
    });
  }

  /** The card this subscription moved off is erased here and at Toss, unless a live subscription still charges it. */
  private async release(replaced: string | null, now: string): Promise<void> {
    if (replaced && replaced !== now) await acts.releaseCard({ cardId: replaced });
  }

  /** A card change's connect: refused at once for what the customer can fix, and when the provider is not there. */
  private async connectForChange(args: { authKey: string; customerKey: string }) {
    let result: ConnectResult;
    try {
      result = await this.cardChange.connectCard({
        customerId: this.input.customerId,
        customerKey: args.customerKey,
        authKey: args.authKey,
      });
    } catch {
      throw ApplicationFailure.create({
        message: cardFailureWords('PROVIDER_UNAVAILABLE').ko,
        type: 'PAYMENT_PROVIDER_UNAVAILABLE',
        nonRetryable: true,
        details: [{ providerCode: 'PROVIDER_UNAVAILABLE' }],
      });
    }
    if (!result.ok) {
      const words = cardFailureWords(result.code);
      // The provider's code goes with the refusal, so the page can word it in the customer's language.
      throw ApplicationFailure.create({
        message: words.ko,
        type: words.kind === 'auth' ? 'CARD_AUTH_INVALID' : 'CARD_DECLINED',
        nonRetryable: true,
        details: [{ providerCode: result.code }],
      });
    }
    return result;
  }

  // ——— The flow's steps ———

  /** The row, then the card: the one-time authKey becomes a billing key sealed in the database. */
  async connect(): Promise<void> {
    const i = this.input;
    const created = await acts.createSubscription({
      subscriptionId: i.subscriptionId,
      customerId: i.customerId,
      productId: i.productId,
      partnerId: i.partnerId,
      workflowId: workflowInfo().workflowId,
      productName: i.productName,
      options: i.options,
      unitPrice: i.unitPrice,
      shipTo: i.shipTo,
      nextChargeAt: i.firstChargeAt,
      consents: i.consents,
      checkCapacity: true,
    });
    // Every place taken (runs recorded before the check carry no answer here): 품절, nothing connected or charged.
    if (created?.soldOut) {
      this.s = rules.soldOut(this.s, Date.now()).state;
      this.publish();
      this.savedStatus = this.s.status;
      return;
    }
    const startedAt = Date.now();
    while (this.s.status === 'connecting') {
      let result: ConnectResult | null = null;
      let fault: rules.Fault | null = null;
      const scope = new CancellationScope();
      this.connectScope = scope;
      try {
        result = await scope.run(() =>
          connecting.connectCard({
            customerId: i.customerId,
            customerKey: i.customerKey,
            authKey: i.authKey ?? '',
          }),
        );
      } catch (err) {
        if (isCancellation(err)) return;
        fault = faultOf(err);
      } finally {
        this.connectScope = null;
      }
      await this.lock.runExclusive(() => {
        const now = Date.now();
        if (result?.ok) return this.commit(rules.connected(this.s, result));
        if (result) {
          return this.commit(
            rules.connectRefused(
              this.s,
              { code: result.code, message: cardFailureWords(result.code).ko },
              now,
            ),
          );
        }
        return this.commit(rules.connectFaulted(this.s, fault!, now, this.settings, startedAt));
      });
      if (this.s.status === 'connecting') await this.waitUntil(Date.parse(this.s.nextRetryAt!));
    }
    // A waiting checkout gets its answer now, not after the first charge: an Update's answer leaves with the workflow
    // task, and the charge (a local activity) would hold this one open until the provider answers. A 1 ms timer ends
    // the task first.
    if (this.activating > 0 && this.s.status === 'active') await sleep(1);
  }

  /** A carried run: republish, and take in price changes its predecessor received but did not handle. */
  async carryOn(): Promise<void> {
    this.publish();
    for (const change of this.input.priceChanges ?? []) await this.proposePrice(change);
  }

  plan(): rules.Plan {
    return rules.plan(this.s, Date.now(), this.settings);
  }

  /** Waits until `until` (ms since the epoch; null: indefinitely) or until an action changes the state. */
  async waitUntil(until: number | null): Promise<void> {
    const seen = this.version;
    if (until === null) await condition(() => this.version !== seen);
    else await condition(() => this.version !== seen, Math.max(1, until - Date.now()));
  }

  /** One charge round of the due cycle: planned in turn, sent outside the mutex, its outcome applied in turn. */
  async charge(): Promise<void> {
    const started = await this.lock.runExclusive(() => {
      // An action may have changed the plan while this waited for its turn.
      if (this.plan().kind !== 'charge') return null;
      const { state, charge } = rules.beginCharge(this.s, Date.now(), this.settings);
      const repriced = state.unitPrice !== this.s.unitPrice;
      this.s = state;
      return { charge, version: this.version, repriced };
    });
    if (!started) return;
    const { charge } = started;
    let result: ChargeResult | null = null;
    let fault: rules.Fault | null = null;
    try {
      result = await pay.chargeCycle({
        subscriptionId: this.id,
        cycle: charge.cycle,
        attempt: charge.attempt,
        lookupFirst: charge.lookupFirst,
        customerKey: this.input.customerKey,
        cardId: this.s.cardId!,
        nextChargeAtIfApproved: charge.following,
        amount: charge.amount,
        options: charge.options,
      });
    } catch (err) {
      fault = faultOf(err);
    }
    await this.lock.runExclusive(async () => {
      const now = Date.now();
      if (result?.outcome === 'approved') {
        // The charge activity wrote the row; it is written again only if an action or a new price moved it meanwhile.
        const moved = this.version !== started.version || started.repriced;
        return this.commit(rules.approved(this.s, result, charge), moved || this.s.status !== 'active');
      }
      if (result) return this.commit(rules.declined(this.s, result, charge, this.settings));
      return this.commit(rules.chargeFaulted(this.s, fault!, now, this.settings));
    });
  }

  /**
   * A step that needs no provider: a skipped cycle, the end of the term, a suspension for want of a card, the
   * 결제 예정 안내, a price increase's reminder or its effective date reached without consent.
   */
  async apply(kind: rules.Step): Promise<void> {
    await this.lock.runExclusive(async () => {
      if (this.plan().kind !== kind) return;
      const s = this.s;
      const now = Date.now();
      const change: Record<rules.Step, () => rules.Change> = {
        skip: () => rules.skipDue(s, this.settings),
        endOfTerm: () => rules.endOfTerm(s, now),
        suspend: () => rules.suspendForCard(s),
        chargeNotice: () => rules.chargeNotice(s, this.settings),
        priceReminder: () => rules.remindPrice(s, now),
        priceDeadline: () => rules.priceDeadline(s, now, this.settings),
      };
      await this.commit(change[kind]());
    });
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return (
      !rules.ended(this.s) && (info.continueAsNewSuggested || info.historyLength > this.settings.historyLimit)
    );
  }

  /** A fresh run with the whole state, once every handler has finished. */
  async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNew<SubscriptionWorkflow>({
      ...this.input,
      shipTo: this.shipTo,
      authKey: undefined,
      priceChanges: undefined,
      consents: undefined,
      carried: this.s,
    });
  }

  /**
   * The end. A subscription cancelled at once takes its paid cycles that have not shipped with it: each order's
   * workflow ends it and refunds the cycle in full (a charge that was in flight when the cancel came is among them).
   */
  async finish(): Promise<void> {
    await condition(allHandlersFinished);
    if (this.withdrawn && this.s.cycle > 0) await acts.cancelUnshippedOrders({ subscriptionId: this.id });
  }
}
