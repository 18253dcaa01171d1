import type { AuditEntry } from '../domain/audit';
import { recordAudit } from './audit';
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  offerFor,
  orderIdFor,
  type ChargeResult,
  type ConnectResult,
  type EndReason,
  type PendingPrice,
  type ShipTo,
  type SubscriptionOptions,
  type SubscriptionState,
} from '../domain/subscription';
import type { StructuredShipTo } from '../domain/address';
import { fulfilmentStatuses } from '../domain/fulfilment';
import { addressFollowsOrder } from '../domain/subscriptionRules';
import {
  issueFailureIsCustomers,
  TossError,
  TossNeedsNewCardError,
  TossNotFoundError,
} from '../payments/errors';
import type { TossPayment } from '../payments/types';
import { priceChangeSignal, subscriptionHandle } from '../domain/contracts/subscription';
import type { ConsentRecord } from '../domain/legal';
import { bagsLeft } from '../db/capacity';
import { recordConsents } from './consents';
import { countNewSubscription, countSale, countStatusChange, lockSubscription } from './dashboard';
import type { ActivityDeps } from './deps';
import { fulfilmentInputFor } from './fulfilment';
import { enqueueNotification, type Notification } from './outbox';
import { signalIfRunning } from './signals';

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
  /** The roaster's account: the new order's notice goes to it. */
  partnerUserId: string;
}

/** What a charge ships: the options the workflow charged for (runs before v2 left them to the row). */
type Shipped = Pick<SubscriptionRow, 'grams' | 'grind' | 'quantity'>;

/** Fields of the read model the workflow keeps current. */
export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionState,
    'status' | 'paymentState' | 'cycle' | 'nextChargeAt' | 'skipNext' | 'cancelAtPeriodEnd' | 'dunningStep'
  > &
    Partial<SubscriptionOptions> & {
      nextRetryAt: string | null;
      lastError: string | null;
      cardId: string;
      cardMasked: string;
      canceledAt: string;
      unitPrice: number;
      amount: number;
      /** A price change waiting for its first charge (an increase with the subscriber's consent). */
      pendingChange: PendingPrice | null;
      /** Ended by a price increase the subscriber did not accept. */
      endReason: EndReason;
      /** Why the subscriber cancelled (해지 사유), null once a scheduled cancel is undone. */
      cancelReasonCode: string | null;
      cancelReasonNote: string | null;
      cancelReasonAt: string | null;
    }
>;

function columns(patch: SubscriptionPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  if (patch.pendingChange !== undefined)
    out.pendingChange = patch.pendingChange === null ? null : JSON.stringify(patch.pendingChange);
  return out;
}

/** New options priced, or why the product does not offer them. */
type Quote = { ok: true; options: SubscriptionOptions; unitPrice: number } | { ok: false; reason: string };

/** One charge of one cycle, as the subscription workflow asks for it. */
export interface ChargeCycleInput {
  subscriptionId: string;
  cycle: number;
  attempt: number;
  lookupFirst: boolean;
  customerKey: string;
  cardId: string;
  nextChargeAtIfApproved: string;
  /** The amount and options the workflow charges (its state is the truth); runs before v2 leave them to the row. */
  amount?: number;
  options?: SubscriptionOptions;
}

export function createSubscriptionActivities({
  db,
  toss,
  secrets,
  shipWithinMs,
  fulfilment,
  log,
  metrics,
  temporal,
}: ActivityDeps) {
  /** The payment and everything that follows from it, in one transaction; idempotent by order id. */
  async function recordApproved(
    sub: SubscriptionRow,
    shipped: Shipped,
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
      const [order] = (await trx('fulfilment_orders')
        .insert({
          id: randomUUID(),
          paymentId: payment.id,
          subscriptionId: sub.id,
          customerId: sub.customerId,
          partnerId: sub.partnerId,
          productId: sub.productId,
          cycle,
          productName: sub.productName,
          grams: shipped.grams,
          grind: shipped.grind,
          quantity: shipped.quantity,
          // The address the locked row holds now (an address change may have landed since `sub` was read).
          shipTo: trx('subscriptions').where({ id: sub.id }).select('shipTo'),
          shipBy: new Date(Date.parse(approvedAt) + shipWithinMs),
        })
        .onConflict('paymentId')
        .ignore()
        .returning(['id', 'shipBy'])) as { id: string; shipBy: Date }[];
      // The roaster hears of the new order with it (collected into their daily digest; the app shows it at once).
      if (order) {
        await enqueueNotification(trx, {
          dedupeKey: `order:${order.id}:new`,
          recipientUserId: sub.partnerUserId,
          template: 'order_new',
          payload: {
            orderId: order.id,
            productName: sub.productName,
            cycle,
            grams: shipped.grams,
            grind: shipped.grind,
            quantity: shipped.quantity,
            shipBy: new Date(order.shipBy).toISOString(),
          },
        });
      }
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
      // A pause or cancel that came while the charge was in flight stays (the workflow keeps it too).
      const status = before && ['paused', 'canceled'].includes(before.status) ? before.status : 'active';
      await trx('subscriptions')
        .where({ id: sub.id })
        .update({
          cycle,
          nextChargeAt,
          lastPaymentId: payment.id,
          status,
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
          productName: sub.productName,
          orderId: p.orderId,
          amount: p.totalAmount,
          cycle,
          nextChargeAt,
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
      if (before) await countStatusChange(trx, before, status, null);
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
    amount: number,
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
        amount,
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
    const sub = (await db('subscriptions as s')
      .join('partners as p', 'p.id', 's.partner_id')
      .where('s.id', input.subscriptionId)
      .first('s.*', 'p.user_id as partnerUserId')) as SubscriptionRow | undefined;
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
    const shipped: Shipped = input.options ?? sub;
    const amount = input.amount ?? sub.amount;
    const retrying = input.lookupFirst || activityInfo().attempt > 1;
    if (retrying) {
      try {
        const found = await toss.getPaymentByOrderId(orderId);
        if (found.status === 'DONE' || found.status === 'PARTIAL_CANCELED' || found.status === 'CANCELED') {
          return recordApproved(
            sub,
            shipped,
            input.cycle,
            input.attempt,
            found,
            input.nextChargeAtIfApproved,
          );
        }
      } catch (err) {
        if (!(err instanceof TossNotFoundError)) throw err;
      }
    }
    const card = await db('cards').where({ id: input.cardId }).first('billingKeyEnc');
    if (!card) throw ApplicationFailure.nonRetryable('Card not found', 'NOT_FOUND');
    if (!card.billingKeyEnc) {
      // An erased card (removed, or replaced on another subscription) is never charged: the customer needs a card.
      const erased = new TossNeedsNewCardError('ALREADY_REMOVED_BILLING_KEY', '삭제된 카드입니다.', 0);
      return recordDecline(sub, amount, input.cycle, input.attempt, orderId, erased);
    }
    const billingKey = secrets.open(card.billingKeyEnc, `card:${input.cardId}`);
    try {
      const payment = await toss.chargeBillingKey(
        billingKey,
        {
          customerKey: input.customerKey,
          amount,
          orderId,
          orderName: `${sub.productName} ${shipped.grams}g × ${shipped.quantity}`.slice(0, 100),
        },
        { idempotencyKey: `${orderId}_a${input.attempt}` },
      );
      return await recordApproved(
        sub,
        shipped,
        input.cycle,
        input.attempt,
        payment,
        input.nextChargeAtIfApproved,
      );
    } catch (err) {
      if (!(err instanceof TossError)) throw err;
      if (err.retryClass === 'retry_later' || err.retryClass === 'new_card') {
        return recordDecline(sub, amount, input.cycle, input.attempt, orderId, err);
      }
      if (err.code === 'DUPLICATED_ORDER_ID') {
        // Charged already under another key: the lookup on the retry records it.
        log.warn({ orderId }, 'duplicated order id: looking the order up');
      }
      throw err; // transient or unknown outcome: retried, with a lookup first
    }
  }

  /** The options priced at what the product offers now, or the first option it does not offer. */
  async function quote(input: { subscriptionId: string; options: SubscriptionOptions }): Promise<Quote> {
    const sub = await db('subscriptions').where({ id: input.subscriptionId }).first('productId');
    const product = await db('catalog_products').where({ productId: sub.productId }).first('options');
    const o = input.options;
    const offer = product
      ? offerFor(product.options, o)
      : { unitPrice: null, notOffered: ['grams' as const] };
    const reasons = {
      grams: `${o.grams}g 상품은 판매하지 않습니다.`,
      grind: '선택한 분쇄도는 제공하지 않습니다.',
      cycleWeeks: `${o.cycleWeeks}주 배송 주기는 제공하지 않습니다.`,
    };
    const missing = offer.notOffered[0];
    if (missing || offer.unitPrice === null) return { ok: false, reason: reasons[missing ?? 'grams'] };
    return { ok: true, options: o, unitPrice: offer.unitPrice };
  }

  return {
    /**
     * Creates the read-model row of a new subscription and its checkout consents (정기결제, 제3자 제공) in one
     * transaction; idempotent: the id comes from the API, the consents are one per kind.
     */
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
      /** Absent for subscriptions started before checkout asked for consents. */
      consents?: ConsentRecord[];
      /** Refuse when the product's places are all taken (runs from before the check leave it out). */
      checkCapacity?: boolean;
    }): Promise<{ soldOut: boolean }> {
      let soldOut = false;
      await db.transaction(async (trx) => {
        if (input.checkCapacity) {
          // Bags are counted under a lock per product, so two checkouts racing for the last ones take turns; a
          // retry finds its own row and goes on.
          await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [
            `capacity:${input.productId}`,
          ]);
          const mine = await trx('subscriptions').where({ id: input.subscriptionId }).first('id');
          if (!mine && (await bagsLeft(trx, input.productId)) < input.options.quantity) {
            soldOut = true;
            return;
          }
        }
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
        await recordConsents(
          trx,
          {
            userId: input.customerId,
            source: 'checkout',
            sourceId: input.subscriptionId,
            subscriptionId: input.subscriptionId,
          },
          input.consents,
        );
      });
      return { soldOut };
    },

    /**
     * Exchanges the card window's authKey for a billing key and stores it sealed (AES-GCM); returns only the card's
     * id and masked number. What the customer can fix (another customerKey's window, an unknown or used authKey, a
     * refused card) is an answer, `ok: false`, never retried; a provider or network fault is thrown and retried.
     * Idempotent: the same authKey finds its card, and the issue request replays by key.
     */
    async connectCard(input: {
      customerId: string;
      customerKey: string;
      authKey: string;
    }): Promise<ConnectResult> {
      const authKeyHash = sha(input.authKey);
      const existing = await db('cards')
        .where({ authKeyHash })
        .first('id', 'numberMasked', 'userId', 'billingKeyEnc', 'removedAt');
      // A card removed since (its key erased) is never handed out again: the window's answer is spent.
      if (existing && (!existing.billingKeyEnc || existing.removedAt))
        return { ok: false, code: 'NOT_FOUND_BILLING', message: 'The card was removed' };
      if (existing) {
        // Another account's card found by its authKey is that account's: never handed to this one.
        if (existing.userId !== input.customerId)
          return {
            ok: false,
            code: 'NOT_MATCHES_CUSTOMER_KEY',
            message: 'The authKey belongs to another customer',
          };
        return { ok: true, cardId: existing.id, cardMasked: existing.numberMasked };
      }
      let billing;
      try {
        billing = await toss.issueBillingKey(
          { authKey: input.authKey, customerKey: input.customerKey },
          { idempotencyKey: `issue_${authKeyHash.slice(0, 48)}` },
        );
      } catch (err) {
        if (err instanceof TossError && issueFailureIsCustomers(err)) {
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

    /**
     * A product revision was approved: every live subscription to the product hears of its prices from its own
     * workflow, which decides what applies and from when (no one else writes a subscription's price). Pages through
     * the subscriptions by id, heartbeating the last one done so a retry goes on from there; idempotent: a workflow
     * recognises a revision it has already seen.
     */
    async announcePriceChange(input: {
      productId: string;
      revisionId: string;
    }): Promise<{ signalled: number }> {
      const product = await db('catalog_products').where({ productId: input.productId }).first('options');
      if (!product) return { signalled: 0 };
      const change = {
        revisionId: input.revisionId,
        weights: (product.options.weights as { grams: number; priceKrw: number }[]).map((w) => ({
          grams: w.grams,
          priceKrw: w.priceKrw,
        })),
        effectiveAt: new Date().toISOString(),
      };
      let after = (activityInfo().heartbeatDetails as string | undefined) ?? '';
      let signalled = 0;
      for (;;) {
        const ids = (await db('subscriptions')
          .where({ productId: input.productId })
          .whereNotIn('status', ['canceled', 'card_failed'])
          .where('id', '>', after || '00000000-0000-0000-0000-000000000000')
          .orderBy('id')
          .limit(200)
          .pluck('id')) as string[];
        if (!ids.length) return { signalled };
        const told = await Promise.all(
          ids.map((id) => signalIfRunning(subscriptionHandle(temporal, id), priceChangeSignal, change)),
        );
        signalled += told.filter(Boolean).length;
        after = ids.at(-1)!;
        heartbeat(after);
      }
    },

    /** Writes the workflow's state into the read model, with an optional notice; idempotent: it sets values. */
    async saveSubscription(input: {
      subscriptionId: string;
      patch: SubscriptionPatch;
      notify?: Notification;
      /** An admin's action for the customer: its audit line, in the same transaction. */
      audit?: AuditEntry;
    }): Promise<void> {
      const entered = await db.transaction(async (trx) => {
        if (input.audit) await recordAudit(trx, input.audit);
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
     * Checks new options against what the product offers now and prices them; reads only (the workflow writes the
     * row with the rest of its state).
     */
    quoteSubscriptionOptions: quote,

    /**
     * (Runs before v2 only.) Changes weight / grind / quantity / cycle from the next cycle, priced as the quote
     * prices them; idempotent: it sets values.
     */
    async changeSubscriptionOptions(input: {
      subscriptionId: string;
      options: Partial<SubscriptionOptions>;
    }): Promise<Quote> {
      const sub = await db('subscriptions').where({ id: input.subscriptionId }).first();
      const quoted = await quote({
        subscriptionId: sub.id,
        options: {
          grams: input.options.grams ?? sub.grams,
          grind: input.options.grind ?? sub.grind,
          quantity: input.options.quantity ?? sub.quantity,
          cycleWeeks: input.options.cycleWeeks ?? sub.cycleWeeks,
        },
      });
      if (!quoted.ok) return quoted;
      const next = quoted.options;
      await db('subscriptions')
        .where({ id: sub.id })
        .update({
          grams: next.grams,
          grind: next.grind,
          quantity: next.quantity,
          cycleWeeks: next.cycleWeeks,
          unitPrice: quoted.unitPrice,
          amount: quoted.unitPrice * next.quantity,
          updatedAt: now(db),
        });
      return quoted;
    },

    /**
     * A subscription's new delivery address: the row, and every one of its orders not shipped yet (to roast or
     * roasted), in one transaction under the subscription's lock — the lock a charge's recording takes, so an order
     * recorded at the same moment has either address before it or is moved with the rest. Shipped orders keep theirs.
     * Idempotent: it sets values; the orders moved are those whose address differed.
     */
    async changeSubscriptionAddress(input: {
      subscriptionId: string;
      shipTo: StructuredShipTo;
    }): Promise<{ ordersUpdated: string[] }> {
      return db.transaction(async (trx) => {
        await lockSubscription(trx, input.subscriptionId);
        const shipTo = JSON.stringify(input.shipTo);
        await trx('subscriptions')
          .where({ id: input.subscriptionId })
          .update({ shipTo, updatedAt: now(trx) });
        const moved = (await trx('fulfilment_orders')
          .where({ subscriptionId: input.subscriptionId })
          .whereIn('status', fulfilmentStatuses.filter(addressFollowsOrder))
          .whereRaw('ship_to IS DISTINCT FROM ?::jsonb', [shipTo])
          .update({ shipTo, updatedAt: now(trx) })
          .returning('id')) as { id: string }[];
        return { ordersUpdated: moved.map((r) => r.id) };
      });
    },
  };
}
