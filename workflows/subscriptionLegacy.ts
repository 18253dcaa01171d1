import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SubscriptionPatch } from '../activities/subscription';
import type { Notification } from '../activities/outbox';
import { nextCycle } from '../domain/calendar';
import {
  activateUpdate,
  cancelSubscriptionUpdate,
  changeCardUpdate,
  changeOptionsUpdate,
  pauseUpdate,
  priceChangeSignal,
  resumeUpdate,
  skipNextUpdate,
  subscriptionStateQuery,
} from '../domain/contracts/subscription';
import type { Actor } from '../domain/partner';
import { NextChargeAt, PaymentState, SubscriptionStatus } from '../domain/searchAttributes';
import type { ChargeResult, PriceChange, SubscriptionInput, SubscriptionState } from '../domain/subscription';
import { initialState } from '../domain/subscriptionRules';
import { dbActivityOptions, providerActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);
const provider = proxyActivities<Activities>(providerActivityOptions);
// The charge runs as a local activity (one workflow task per cycle): safe because it is idempotent and looks the
// order up after any doubt. A few quick attempts; then the workflow marks the payment "retrying" and tries again.
const pay = proxyLocalActivities<Activities>({
  startToCloseTimeout: '90s',
  localRetryThreshold: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '8s', maximumAttempts: 4 },
});

function refuse(message: string, type = 'CONFLICT'): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

/**
 * The subscription workflow as it was before v2, kept only for runs recorded by it: replaying their histories needs
 * the same commands in the same order, so nothing here may change what it schedules. The one addition is the
 * hand-off: at the first turn of its loop after v2 is deployed (`patched`), a run continues as new with its whole
 * state, and the new run is v2's. A price-change signal wakes a run that would otherwise wait indefinitely (paused,
 * suspended) so that it hands off too. See docs/architecture.md#subscription.
 */
export const HANDOFF_PATCH = 'subscription-v2-handoff';

export async function legacySubscription(input: SubscriptionInput): Promise<SubscriptionState> {
  const { subscriptionId, settings } = input;
  const s: SubscriptionState =
    input.carried ?? initialState(input.firstChargeAt, input.options, input.unitPrice);
  let attemptsThisCycle = 0;
  let wake = false; // an action changed the schedule: re-plan
  let retryNow = false; // a new card arrived while a payment was due
  let nextRetryAt: number | null = null;
  const published: Record<string, unknown> = {};
  // Charges and actions take turns: each writes the read model from the state it leaves, never a stale copy.
  let busy = false;
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };

  const publish = () => {
    const next = {
      SubscriptionStatus: s.status,
      PaymentState: s.paymentState,
      NextChargeAt:
        s.nextChargeAt && s.status !== 'canceled'
          ? new Date(nextRetryAt ?? Date.parse(s.nextChargeAt)).toISOString()
          : null,
    };
    const changes = [];
    if (published.SubscriptionStatus !== next.SubscriptionStatus)
      changes.push({ key: SubscriptionStatus, value: next.SubscriptionStatus });
    if (published.PaymentState !== next.PaymentState)
      changes.push({ key: PaymentState, value: next.PaymentState });
    if (published.NextChargeAt !== next.NextChargeAt) {
      changes.push({ key: NextChargeAt, value: next.NextChargeAt ? new Date(next.NextChargeAt) : null });
    }
    if (changes.length) upsertSearchAttributes(changes as never);
    Object.assign(published, next);
  };
  const save = async (patch: SubscriptionPatch = {}, notify?: Notification) => {
    publish();
    await acts.saveSubscription({
      subscriptionId,
      patch: {
        status: s.status,
        paymentState: s.paymentState,
        nextChargeAt: s.nextChargeAt,
        skipNext: s.skipNext,
        cancelAtPeriodEnd: s.cancelAtPeriodEnd,
        dunningStep: s.dunningStep,
        nextRetryAt: nextRetryAt ? new Date(nextRetryAt).toISOString() : null,
        lastError: s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : null,
        ...patch,
      },
      notify,
    });
  };
  const notice = (template: string, key: string, payload: Record<string, unknown> = {}): Notification => ({
    dedupeKey: `subscription:${subscriptionId}:${key}`,
    recipientUserId: input.customerId,
    template,
    payload: { subscriptionId, productName: input.productName, ...payload },
  });
  const mayAct = (actor: Actor | undefined) => {
    if (!actor || (actor.userId !== input.customerId && !actor.roles?.includes('admin'))) {
      refuse('Only the subscriber can change this subscription', 'FORBIDDEN');
    }
    if (s.status === 'canceled') refuse('This subscription has ended');
    if (s.status === 'connecting' || s.status === 'card_failed') refuse('This subscription has not started');
  };

  // Price changes reach v2 runs only: one received here is carried over at the hand-off.
  const priceChanges: PriceChange[] = [...(input.priceChanges ?? [])];
  let handoff = false;
  setHandler(priceChangeSignal, (change) => {
    priceChanges.push(change);
    handoff = true;
    wake = true;
  });
  const handOff = async () => {
    await condition(allHandlersFinished);
    await continueAsNew<(i: SubscriptionInput) => Promise<SubscriptionState>>({
      ...input,
      authKey: undefined,
      priceChanges,
      carried: {
        ...s,
        nextRetryAt: nextRetryAt ? new Date(nextRetryAt).toISOString() : null,
        chargeAttempts: attemptsThisCycle,
        retryNow,
      },
    });
  };

  setHandler(subscriptionStateQuery, () => s);
  setHandler(activateUpdate, async () => {
    await condition(() => s.status !== 'connecting');
    return s;
  });
  setHandler(
    pauseUpdate,
    () =>
      exclusive(async () => {
        if (s.status !== 'active') refuse(`Only an active subscription can be paused (it is ${s.status})`);
        s.pausedFrom = s.status;
        s.status = 'paused';
        await save({}, notice('subscription_paused', `paused:${Date.now()}`));
        wake = true;
        return s;
      }),
    {
      validator: ({ actor }) => {
        mayAct(actor);
        if (s.status !== 'active') refuse(`Only an active subscription can be paused (it is ${s.status})`);
      },
    },
  );
  setHandler(
    resumeUpdate,
    () =>
      exclusive(async () => {
        if (s.status !== 'paused') refuse('Only a paused subscription can be resumed');
        s.status = 'active';
        s.pausedFrom = null;
        // A charge date that passed while paused is due now.
        if (s.nextChargeAt && Date.parse(s.nextChargeAt) < Date.now())
          s.nextChargeAt = new Date(Date.now()).toISOString();
        await save({}, notice('subscription_resumed', `resumed:${Date.now()}`));
        wake = true;
        return s;
      }),
    {
      validator: ({ actor }) => {
        mayAct(actor);
        if (s.status !== 'paused') refuse('Only a paused subscription can be resumed');
      },
    },
  );
  setHandler(
    skipNextUpdate,
    () =>
      exclusive(async () => {
        if (s.status !== 'active') refuse('Only an active subscription can skip a delivery');
        s.skipNext = true;
        await save();
        return s;
      }),
    {
      validator: ({ actor }) => {
        mayAct(actor);
        if (s.status !== 'active') refuse('Only an active subscription can skip a delivery');
        if (s.skipNext) refuse('The next delivery is already skipped');
      },
    },
  );
  setHandler(
    changeOptionsUpdate,
    ({ args }) =>
      exclusive(async () => {
        const changed = await acts.changeSubscriptionOptions({ subscriptionId, options: args });
        if (!changed.ok) refuse(changed.reason, 'VALIDATION_FAILED');
        s.options = changed.options;
        s.unitPrice = changed.unitPrice;
        return s;
      }),
    {
      validator: ({ actor, args }) => {
        mayAct(actor);
        if (!args || typeof args !== 'object' || Object.keys(args).length === 0)
          refuse('Nothing to change', 'VALIDATION_FAILED');
      },
    },
  );
  setHandler(
    changeCardUpdate,
    ({ args }) =>
      exclusive(async () => {
        const card = await provider.connectCard({
          customerId: input.customerId,
          customerKey: args.customerKey,
          authKey: args.authKey,
        });
        if (!card.ok) refuse(`The card was not accepted: ${card.message}`, 'CARD_DECLINED');
        s.cardId = card.cardId;
        s.cardMasked = card.cardMasked;
        const due = s.status === 'past_due' || s.status === 'suspended';
        if (due) {
          s.needsNewCard = false;
          s.status = 'past_due';
        }
        await save({ cardId: card.cardId, cardMasked: card.cardMasked });
        if (due) retryNow = true; // a new card: try the due payment at once
        wake = true;
        return s;
      }),
    {
      validator: ({ actor, args }) => {
        mayAct(actor);
        if (args?.customerKey !== input.customerKey)
          refuse('The card belongs to another customer', 'FORBIDDEN');
      },
    },
  );
  setHandler(
    cancelSubscriptionUpdate,
    ({ args }) =>
      exclusive(async () => {
        if (s.status === 'canceled') refuse('This subscription has ended');
        if (args.when === 'now' || s.status === 'suspended' || s.status === 'paused') {
          s.status = 'canceled';
          s.paymentState = 'idle';
          await save(
            { canceledAt: new Date(Date.now()).toISOString() },
            notice('subscription_canceled', 'canceled', { reason: args.reason ?? null }),
          );
        } else {
          s.cancelAtPeriodEnd = true;
          await save(
            {},
            notice('subscription_cancel_scheduled', 'cancel-scheduled', { endsAt: s.nextChargeAt }),
          );
        }
        wake = true;
        return s;
      }),
    {
      validator: ({ actor, args }) => {
        mayAct(actor);
        if (args?.when !== 'now' && args?.when !== 'period_end')
          refuse('when must be now or period_end', 'VALIDATION_FAILED');
        if (args.when === 'period_end' && s.cancelAtPeriodEnd) refuse('Already set to end with this cycle');
      },
    },
  );

  // Connect: the one-time authKey becomes a billing key, sealed in the database; the workflow holds only the card id.
  if (!input.carried) {
    await acts.createSubscription({
      subscriptionId,
      customerId: input.customerId,
      productId: input.productId,
      partnerId: input.partnerId,
      workflowId: workflowInfo().workflowId,
      productName: input.productName,
      options: input.options,
      unitPrice: input.unitPrice,
      shipTo: input.shipTo,
      nextChargeAt: input.firstChargeAt,
    });
    const card = await provider.connectCard({
      customerId: input.customerId,
      customerKey: input.customerKey,
      authKey: input.authKey ?? '',
    });
    if (!card.ok) {
      s.status = 'card_failed';
      s.lastError = { code: card.code, message: card.message, at: new Date(Date.now()).toISOString() };
      await save({}, notice('subscription_card_failed', 'card-failed', { code: card.code }));
      return s;
    }
    s.cardId = card.cardId;
    s.cardMasked = card.cardMasked;
    s.status = 'active';
    await save(
      { cardId: card.cardId, cardMasked: card.cardMasked },
      notice('subscription_started', 'started'),
    );
  } else {
    publish();
  }

  /** One charge round for the due cycle. */
  async function payCycle(): Promise<void> {
    const cycle = s.cycle + 1;
    const scheduled = Date.parse(s.nextChargeAt!);
    let following = nextCycle(scheduled, s.options.cycleWeeks, settings.weekMs);
    while (following.getTime() <= Date.now())
      following = nextCycle(following, s.options.cycleWeeks, settings.weekMs);
    let result: ChargeResult;
    let lookupFirst = s.paymentState === 'retrying';
    for (;;) {
      try {
        result = await pay.chargeCycle({
          subscriptionId,
          cycle,
          attempt: attemptsThisCycle + 1,
          lookupFirst,
          customerKey: input.customerKey,
          cardId: s.cardId!,
          nextChargeAtIfApproved: following.toISOString(),
        });
        break;
      } catch (err) {
        // Not a decline: the provider or the database is in trouble. Visible to ops, retried after a pause.
        const cause = err instanceof ActivityFailure ? err.cause : err;
        const code = cause instanceof ApplicationFailure ? (cause.type ?? 'ERROR') : 'ERROR';
        s.paymentState = 'retrying';
        s.lastError = {
          code,
          message: (cause as Error)?.message ?? String(cause),
          at: new Date(Date.now()).toISOString(),
        };
        upsertMemo({ lastError: s.lastError });
        publish();
        lookupFirst = true;
        await sleep(settings.errorBackoffMs ?? 60_000);
      }
    }
    attemptsThisCycle += 1;
    if (result.outcome === 'approved') {
      s.cycle = cycle;
      s.lastPayment = {
        paymentId: result.paymentId,
        cycle,
        amount: result.amount,
        approvedAt: result.approvedAt,
      };
      s.nextChargeAt = following.toISOString();
      s.status = 'active';
      s.paymentState = 'idle';
      s.dunningStep = 0;
      s.firstDeclineAt = null;
      s.needsNewCard = false;
      s.lastError = null;
      attemptsThisCycle = 0;
      nextRetryAt = null;
      retryNow = false;
      if (published.PaymentState === 'retrying') upsertMemo({ lastError: null });
      publish(); // the charge activity already wrote the read model
      return;
    }
    // Declined: dunning.
    s.lastError = { code: result.code, message: result.message, at: result.at };
    s.paymentState = 'declined';
    s.firstDeclineAt ??= result.at;
    retryNow = false;
    if (result.needsNewCard) {
      s.needsNewCard = true;
      s.status = 'past_due';
      nextRetryAt = null;
      await save(
        {},
        notice('payment_card_needed', `card-needed:${cycle}:${attemptsThisCycle}`, { code: result.code }),
      );
      return;
    }
    s.dunningStep += 1;
    const ladder = settings.dunningLadderMs;
    if (s.dunningStep <= ladder.length) {
      s.status = 'past_due';
      // A retry is on the ladder: ops' `PaymentState="retrying"` lists it, with the decline in the memo.
      // (Runs recorded before this change said "declined" here: patched keeps them replaying.)
      if (patched('dunning-is-retrying')) {
        s.paymentState = 'retrying';
        upsertMemo({ lastError: s.lastError });
      }
      nextRetryAt = Date.parse(s.firstDeclineAt) + ladder[s.dunningStep - 1]!;
      await save(
        {},
        notice('payment_failed', `declined:${cycle}:${s.dunningStep}`, {
          code: result.code,
          retryAt: new Date(nextRetryAt).toISOString(),
        }),
      );
    } else {
      s.status = 'suspended';
      nextRetryAt = null;
      await save({}, notice('subscription_suspended', `suspended:${cycle}`, { code: result.code }));
    }
  }

  for (;;) {
    if (s.status === 'canceled') break;
    if (patched(HANDOFF_PATCH)) await handOff();
    if (s.status === 'paused') {
      await condition(() => s.status !== 'paused' || handoff);
      continue;
    }
    if (s.status === 'suspended' || (s.status === 'past_due' && s.needsNewCard)) {
      // Waiting for a new card; a card-less past-due subscription is suspended when the ladder would have ended.
      const deadline =
        s.status === 'past_due'
          ? Date.parse(s.firstDeclineAt!) + settings.dunningLadderMs.at(-1)! - Date.now()
          : undefined;
      const woke =
        deadline === undefined
          ? (await condition(() => retryNow || s.status === 'canceled' || handoff), true)
          : await condition(() => retryNow || s.status === 'canceled' || handoff, Math.max(1, deadline));
      if (!woke && s.status === 'past_due') {
        await exclusive(async () => {
          s.status = 'suspended';
          await save(
            {},
            notice('subscription_suspended', `suspended:${s.cycle + 1}`, { code: s.lastError?.code ?? null }),
          );
        });
      }
      if (!retryNow) continue;
    }
    const dueAt = retryNow ? Date.now() : (nextRetryAt ?? Date.parse(s.nextChargeAt!));
    const wait = dueAt - Date.now();
    if (wait > 0) {
      wake = false;
      const interrupted = await condition(() => wake || retryNow, wait);
      if (interrupted) continue;
    }
    if (patched(HANDOFF_PATCH)) await handOff();
    if (s.cancelAtPeriodEnd && s.status === 'active') {
      await exclusive(async () => {
        s.status = 'canceled';
        await save(
          { canceledAt: new Date(Date.now()).toISOString() },
          notice('subscription_canceled', 'canceled'),
        );
      });
      break;
    }
    if (s.skipNext && s.status === 'active') {
      await exclusive(async () => {
        s.skipNext = false;
        s.nextChargeAt = nextCycle(
          Date.parse(s.nextChargeAt!),
          s.options.cycleWeeks,
          settings.weekMs,
        ).toISOString();
        await save(
          {},
          notice('delivery_skipped', `skipped:${s.cycle + 1}`, { nextChargeAt: s.nextChargeAt }),
        );
      });
      continue;
    }
    if (s.status !== 'active' && s.status !== 'past_due') {
      // Nothing to charge in this state: wait for an action rather than spin.
      wake = false;
      await condition(() => wake || retryNow);
      continue;
    }
    await exclusive(async () => {
      // Re-checked inside the turn: an action may have just paused or cancelled it.
      if (s.status === 'active' || s.status === 'past_due') await payCycle();
    });
    if (
      s.status === 'active' &&
      (workflowInfo().continueAsNewSuggested ||
        workflowInfo().historyLength > (settings.historyLimit ?? 2000))
    ) {
      await condition(allHandlersFinished);
      await continueAsNew<(i: SubscriptionInput) => Promise<SubscriptionState>>({
        ...input,
        authKey: undefined,
        carried: s,
      });
    }
  }
  await condition(allHandlersFinished);
  return s;
}
