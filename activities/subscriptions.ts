import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  orderIdFor,
  type ChargeResult,
  type ShipTo,
  type SubscriptionOptions,
  type SubscriptionState,
} from '../domain/subscription';
import { TossError, TossNotFoundError } from '../payments/errors';
import type { TossPayment } from '../payments/types';
import { countNewSubscription, countSale, countStatusChange, lockSubscription } from './dashboard';
import type { ActivityDeps } from './deps';
import { fulfilmentInputFor } from './fulfilment';
import { enqueueNotification, type Notification } from './outbox';

const now = (k: Knex) => k.fn.now() as unknown as Date;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

interface SubscriptionRow {
  id: string;
  customerId: string;
  partnerId: string;
  productId: string;
  productName: string;
  grams: number;
  grind: string;
  quantity: number;
  amount: number;
  unitPrice: number;
  shipTo: ShipTo;
  cardId: string | null;
}

/** Fields of the read model the workflow keeps current. */
export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionState,
    'status' | 'paymentState' | 'cycle' | 'nextChargeAt' | 'skipNext' | 'cancelAtPeriodEnd' | 'dunningStep'
  > & {
    nextRetryAt: string | null;
    lastError: string | null;
    cardId: string;
    cardMasked: string;
    canceledAt: string;
  }
>;

function columns(patch: SubscriptionPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}

/** Subscription activities (DESIGN §4.3): connect, pay + record, history, and the read model. */
/** One charge of one cycle, as the subscription workflow asks for it. */
export interface ChargeCycleInput {
  subscriptionId: string;
  cycle: number;
  attempt: number;
  lookupFirst: boolean;
  customerKey: string;
  cardId: string;
  nextChargeAtIfApproved: string;
}

export function createSubscriptionActivities({
  db,
  toss,
  secrets,
  shipWithinMs,
  fulfilment,
  log,
  metrics,
}: ActivityDeps) {
  /** The payment and everything that follows from it, in one transaction; idempotent by order id. */
  async function recordApproved(
    sub: SubscriptionRow,
    cycle: number,
    attempt: number,
    p: TossPayment,
    nextChargeAt: string,
  ): Promise<ChargeResult> {
    let recordedNow = false;
    const result = await db.transaction(async (trx): Promise<ChargeResult> => {
      const before = await lockSubscription(trx, sub.id);
      const paymentId = randomUUID();
      const inserted = await trx('payments')
        .insert({
          id: paymentId,
          subscriptionId: sub.id,
          customerId: sub.customerId,
          partnerId: sub.partnerId,
          productId: sub.productId,
          cycle,
          orderId: p.orderId,
          paymentKey: p.paymentKey,
          orderName: p.orderName,
          amount: p.totalAmount,
          cardMasked: p.card?.number ?? null,
          receiptUrl: p.receipt?.url ?? null,
          approvedAt: new Date(Date.parse(p.approvedAt ?? p.requestedAt)),
        })
        .onConflict('orderId')
        .ignore()
        .returning('id');
      recordedNow = inserted.length > 0;
      const payment = inserted.length
        ? { id: paymentId }
        : await trx('payments').where({ orderId: p.orderId }).first('id');
      const approvedAt = new Date(Date.parse(p.approvedAt ?? p.requestedAt)).toISOString();
      await trx('payment_events')
        .insert({
          kind: 'charge',
          subscriptionId: sub.id,
          paymentId: payment.id,
          customerId: sub.customerId,
          partnerId: sub.partnerId,
          cycle,
          attempt,
          orderId: p.orderId,
          amount: p.totalAmount,
          outcome: 'approved',
          dedupeKey: `charge:${p.orderId}:approved`,
          at: approvedAt,
        })
        .onConflict('dedupeKey')
        .ignore();
      await trx('fulfilment_orders')
        .insert({
          id: randomUUID(),
          paymentId: payment.id,
          subscriptionId: sub.id,
          customerId: sub.customerId,
          partnerId: sub.partnerId,
          productId: sub.productId,
          cycle,
          productName: sub.productName,
          grams: sub.grams,
          grind: sub.grind,
          quantity: sub.quantity,
          shipTo: JSON.stringify(sub.shipTo),
          shipBy: new Date(Date.parse(approvedAt) + shipWithinMs),
        })
        .onConflict('paymentId')
        .ignore();
      await trx('partner_ledger')
        .insert({
          partnerId: sub.partnerId,
          paymentId: payment.id,
          kind: 'sale',
          amount: p.totalAmount,
          dedupeKey: `sale:${p.orderId}`,
          at: approvedAt,
        })
        .onConflict('dedupeKey')
        .ignore();
      await trx('subscriptions')
        .where({ id: sub.id })
        .update({
          cycle,
          nextChargeAt,
          lastPaymentId: payment.id,
          status: 'active',
          paymentState: 'idle',
          dunningStep: 0,
          nextRetryAt: null,
          lastError: null,
          updatedAt: now(trx),
        });
      await enqueueNotification(trx, {
        dedupeKey: `receipt:${p.orderId}`,
        recipientUserId: sub.customerId,
        template: 'payment_receipt',
        payload: {
          subscriptionId: sub.id,
          orderId: p.orderId,
          amount: p.totalAmount,
          receiptUrl: p.receipt?.url ?? null,
        },
      });
      // The dashboard's counters last: a partner's day row is shared by all their charges, so its lock is held
      // only from here to the commit.
      if (inserted.length) {
        await countSale(trx, {
          partnerId: sub.partnerId,
          productId: sub.productId,
          productName: sub.productName,
          amount: p.totalAmount,
          approvedAt,
        });
      }
      if (before) await countStatusChange(trx, before, 'active', null);
      return {
        outcome: 'approved',
        paymentId: payment.id,
        amount: p.totalAmount,
        approvedAt,
        unitPrice: sub.unitPrice,
      };
    });
    // Counted once the payment row this attempt inserted is committed: a replayed record counts nothing.
    if (recordedNow) {
      metrics.charges.inc({ outcome: 'approved' });
      metrics.chargedKrw.inc(p.totalAmount);
      if (attempt > 1) metrics.chargeRetries.inc();
    }
    return result;
  }

  async function recordDecline(
    sub: SubscriptionRow,
    cycle: number,
    attempt: number,
    orderId: string,
    err: TossError,
  ): Promise<ChargeResult> {
    const at = new Date().toISOString();
    const inserted = await db('payment_events')
      .insert({
        kind: 'charge',
        subscriptionId: sub.id,
        customerId: sub.customerId,
        partnerId: sub.partnerId,
        cycle,
        attempt,
        orderId,
        amount: sub.amount,
        outcome: 'declined',
        code: err.code,
        message: err.message,
        dedupeKey: `charge:${orderId}:a${attempt}`,
      })
      .onConflict('dedupeKey')
      .ignore()
      .returning('id');
    if (inserted.length) {
      metrics.charges.inc({ outcome: 'declined' });
      if (attempt > 1) metrics.chargeRetries.inc();
    }
    return {
      outcome: 'declined',
      code: err.code,
      message: err.message,
      needsNewCard: err.retryClass === 'new_card',
      at,
    };
  }

  /** One charge attempt of a cycle and its record (see chargeCycle). */
  async function charge(input: ChargeCycleInput): Promise<ChargeResult> {
    const sub = (await db('subscriptions').where({ id: input.subscriptionId }).first()) as
      SubscriptionRow | undefined;
    if (!sub) throw ApplicationFailure.nonRetryable('Subscription not found', 'NOT_FOUND');
    const recorded = await db('payments')
      .where({ subscriptionId: sub.id, cycle: input.cycle })
      .first('id', 'amount', 'approvedAt');
    if (recorded) {
      return {
        outcome: 'approved',
        paymentId: recorded.id,
        amount: recorded.amount,
        approvedAt: new Date(recorded.approvedAt).toISOString(),
        unitPrice: sub.unitPrice,
      };
    }
    const orderId = orderIdFor(sub.id, input.cycle);
    const retrying = input.lookupFirst || activityInfo().attempt > 1;
    if (retrying) {
      try {
        const found = await toss.getPaymentByOrderId(orderId);
        if (found.status === 'DONE' || found.status === 'PARTIAL_CANCELED' || found.status === 'CANCELED') {
          return recordApproved(sub, input.cycle, input.attempt, found, input.nextChargeAtIfApproved);
        }
      } catch (err) {
        if (!(err instanceof TossNotFoundError)) throw err;
      }
    }
    const card = await db('cards').where({ id: input.cardId }).first('billingKeyEnc');
    if (!card) throw ApplicationFailure.nonRetryable('Card not found', 'NOT_FOUND');
    const billingKey = secrets.open(card.billingKeyEnc, `card:${input.cardId}`);
    try {
      const payment = await toss.chargeBillingKey(
        billingKey,
        {
          customerKey: input.customerKey,
          amount: sub.amount,
          orderId,
          orderName: `${sub.productName} ${sub.grams}g × ${sub.quantity}`.slice(0, 100),
        },
        { idempotencyKey: `${orderId}_a${input.attempt}` },
      );
      return await recordApproved(sub, input.cycle, input.attempt, payment, input.nextChargeAtIfApproved);
    } catch (err) {
      if (!(err instanceof TossError)) throw err;
      if (err.retryClass === 'retry_later' || err.retryClass === 'new_card') {
        return recordDecline(sub, input.cycle, input.attempt, orderId, err);
      }
      if (err.code === 'DUPLICATED_ORDER_ID') {
        // Charged already under another key: the lookup on the retry records it.
        log.warn({ orderId }, 'duplicated order id: looking the order up');
      }
      throw err; // transient or unknown outcome: retried, with a lookup first
    }
  }

  return {
    /** Creates the read-model row of a new subscription; idempotent: the id comes from the API. */
    async createSubscription(input: {
      subscriptionId: string;
      customerId: string;
      productId: string;
      partnerId: string;
      workflowId: string;
      productName: string;
      options: SubscriptionOptions;
      unitPrice: number;
      shipTo: ShipTo;
      nextChargeAt: string;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        const inserted = await trx('subscriptions')
          .insert({
            id: input.subscriptionId,
            customerId: input.customerId,
            productId: input.productId,
            partnerId: input.partnerId,
            workflowId: input.workflowId,
            status: 'connecting',
            productName: input.productName,
            grams: input.options.grams,
            grind: input.options.grind,
            quantity: input.options.quantity,
            cycleWeeks: input.options.cycleWeeks,
            unitPrice: input.unitPrice,
            amount: input.unitPrice * input.options.quantity,
            shipTo: JSON.stringify(input.shipTo),
            nextChargeAt: input.nextChargeAt,
          })
          .onConflict('id')
          .ignore()
          .returning('id');
        if (inserted.length) await countNewSubscription(trx, input.partnerId);
      });
    },

    /**
     * Exchanges the card window's authKey for a billing key and stores it sealed (AES-GCM); returns only the card's
     * id and masked number. Idempotent: the same authKey finds its card, and the issue request replays by key.
     */
    async connectCard(input: {
      customerId: string;
      customerKey: string;
      authKey: string;
    }): Promise<
      { ok: true; cardId: string; cardMasked: string } | { ok: false; code: string; message: string }
    > {
      const authKeyHash = sha(input.authKey);
      const existing = await db('cards').where({ authKeyHash }).first('id', 'numberMasked');
      if (existing) return { ok: true, cardId: existing.id, cardMasked: existing.numberMasked };
      let billing;
      try {
        billing = await toss.issueBillingKey(
          { authKey: input.authKey, customerKey: input.customerKey },
          { idempotencyKey: `issue_${authKeyHash.slice(0, 48)}` },
        );
      } catch (err) {
        if (
          err instanceof TossError &&
          (err.retryClass === 'new_card' || err.retryClass === 'invalid' || err.retryClass === 'retry_later')
        ) {
          return { ok: false, code: err.code, message: err.message };
        }
        throw err;
      }
      const cardId = randomUUID();
      await db('cards')
        .insert({
          id: cardId,
          userId: input.customerId,
          customerKey: input.customerKey,
          billingKeyEnc: secrets.seal(billing.billingKey, `card:${cardId}`),
          numberMasked: billing.card.number,
          issuerCode: billing.card.issuerCode,
          cardType: billing.card.cardType,
          authKeyHash,
        })
        .onConflict('authKeyHash')
        .ignore();
      const row = await db('cards').where({ authKeyHash }).first('id', 'numberMasked');
      return { ok: true, cardId: row.id, cardMasked: row.numberMasked };
    },

    /**
     * Charges one cycle and, on approval, records it (payment, fulfilment order, ledger line, next charge date) in one
     * transaction. Idempotent and exactly-once: the orderId is fixed per cycle, each attempt has its own
     * Idempotency-Key, an already recorded cycle is returned as is, and after any doubt the order is looked up
     * before a new charge.
     */
    async chargeCycle(input: ChargeCycleInput): Promise<ChargeResult> {
      let result: ChargeResult;
      try {
        result = await charge(input);
      } catch (err) {
        metrics.chargeErrors.inc(); // this attempt failed; every failed attempt is its own event
        throw err;
      }
      // The paid cycle's fulfilment workflow exists before the charge counts as done: a retry after a crash here
      // finds the cycle recorded and starts it again (the start is idempotent by order id).
      if (result.outcome === 'approved') {
        const order = await fulfilmentInputFor(db, result.paymentId, fulfilment.settings);
        if (order) await fulfilment.start(order);
      }
      return result;
    },

    /** Writes the workflow's state into the read model, with an optional notice; idempotent: it sets values. */
    async saveSubscription(input: {
      subscriptionId: string;
      patch: SubscriptionPatch;
      notify?: Notification;
    }): Promise<void> {
      const entered = await db.transaction(async (trx) => {
        const before = input.patch.status ? await lockSubscription(trx, input.subscriptionId) : undefined;
        await trx('subscriptions')
          .where({ id: input.subscriptionId })
          .update({ ...columns(input.patch), updatedAt: now(trx) });
        if (input.notify) await enqueueNotification(trx, input.notify);
        if (before && input.patch.status) {
          await countStatusChange(trx, before, input.patch.status, input.patch.canceledAt ?? null);
        }
        // The status this save moved the row into (the row was locked: a retry finds it there already).
        return before && before.status !== input.patch.status ? input.patch.status : null;
      });
      if (entered === 'past_due') metrics.dunningEntries.inc();
      if (entered === 'suspended') metrics.suspensions.inc();
    },

    /**
     * Changes weight / grind / quantity / cycle from the next cycle, checked against what the product offers now;
     * idempotent: it sets values. Returns the new price per delivery.
     */
    async changeSubscriptionOptions(input: {
      subscriptionId: string;
      options: Partial<SubscriptionOptions>;
    }): Promise<
      { ok: true; options: SubscriptionOptions; unitPrice: number } | { ok: false; reason: string }
    > {
      const sub = await db('subscriptions').where({ id: input.subscriptionId }).first();
      const product = await db('catalog_products')
        .where({ productId: sub.productId })
        .first('options', 'status');
      const next: SubscriptionOptions = {
        grams: input.options.grams ?? sub.grams,
        grind: input.options.grind ?? sub.grind,
        quantity: input.options.quantity ?? sub.quantity,
        cycleWeeks: input.options.cycleWeeks ?? sub.cycleWeeks,
      };
      const weight = product?.options.weights.find((w: { grams: number }) => w.grams === next.grams);
      if (!weight) return { ok: false, reason: `${next.grams} g is not offered` };
      if (!product.options.grinds.includes(next.grind))
        return { ok: false, reason: `${next.grind} is not offered` };
      if (!product.options.cycles.includes(next.cycleWeeks))
        return { ok: false, reason: `every ${next.cycleWeeks} weeks is not offered` };
      await db('subscriptions')
        .where({ id: sub.id })
        .update({
          grams: next.grams,
          grind: next.grind,
          quantity: next.quantity,
          cycleWeeks: next.cycleWeeks,
          unitPrice: weight.priceKrw,
          amount: weight.priceKrw * next.quantity,
          updatedAt: now(db),
        });
      return { ok: true, options: next, unitPrice: weight.priceKrw };
    },
  };
}
