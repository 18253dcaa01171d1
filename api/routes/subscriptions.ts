import { bagsLeft } from '../../db/capacity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { seoulDate, seoulMidnight } from '../../domain/calendar';
import { cardFailureWords } from '../../domain/cardErrors';
import { imageUrl, thumbUrl } from '../../domain/catalog';
import {
  cancelSubscriptionUpdate,
  changeCardUpdate,
  changeOptionsUpdate,
  pauseUpdate,
  respondToPriceChangeUpdate,
  resumeUpdate,
  skipNextUpdate,
  startSubscription,
  subscriptionHandle,
  subscriptionStateQuery,
  undoCancelUpdate,
  undoSkipUpdate,
  useCardUpdate,
} from '../../domain/contracts/subscription';
import { useCardSchema } from '../../domain/cards';
import { AppError } from '../../domain/errors';
import { subscriptionSettings } from '../../infra/config';
import { legalLibrary } from '../../infra/legal';
import { checkoutConsentRecords } from '../consents';
import {
  cancelSchema,
  changeCardSchema,
  changeOptionsSchema,
  checkoutSchema,
  customerKeyFor,
  priceAnswerSchema,
  offerFor,
  type SubscriptionAction,
  type SubscriptionInput,
  type SubscriptionState,
} from '../../domain/subscription';
import type { ApiContext, ApiDeps } from '../context';
import { RESPONDED, route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';
import { customerActionExtras } from './withdrawals';

const idParams = z.strictObject({ id: z.uuid() });
const pageQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(30) });

const actorOf = (ctx: ApiContext) => ({ userId: ctx.state.user!.id, roles: ctx.state.user!.roles });

/** The subscription if it is the signed-in customer's (or the caller is an admin); anyone else's is "not found". */
async function ownSubscription(deps: ApiDeps, ctx: ApiContext, id: string) {
  const row = await deps.db('subscriptions').where({ id }).first();
  const user = ctx.state.user!;
  if (!row || (row.customerId !== user.id && !user.roles.includes('admin')))
    throw new AppError('NOT_FOUND', 'No such subscription');
  return row;
}

function present(row: Record<string, unknown>, image?: string | null) {
  return {
    id: row.id,
    status: row.status,
    paymentState: row.paymentState,
    productId: row.productId,
    productName: row.productName,
    image: image ? { url: imageUrl(image), thumbUrl: thumbUrl(image) } : null,
    options: { grams: row.grams, grind: row.grind, quantity: row.quantity, cycleWeeks: row.cycleWeeks },
    unitPrice: row.unitPrice,
    amount: row.amount,
    shipTo: row.shipTo,
    cardMasked: row.cardMasked,
    // The card's company as Toss codes it (마이페이지 names it); only the list joins the card.
    cardIssuerCode: row.cardIssuerCode ?? null,
    cycle: row.cycle,
    nextChargeAt: row.nextChargeAt,
    nextRetryAt: row.nextRetryAt,
    skipNext: row.skipNext,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    dunningStep: row.dunningStep,
    lastError: row.lastError,
    // The provider's code of the last failure (the page words it: domain/cardErrors.ts declineWords).
    lastErrorCode: typeof row.lastError === 'string' ? row.lastError.split(':')[0] : null,
    cancelReason:
      row.cancelReasonCode || row.cancelReasonNote
        ? { code: row.cancelReasonCode ?? null, note: row.cancelReasonNote ?? null }
        : null,
    // A price change waiting for its date; an increase carries the subscriber's consent (동의 / 거부 on 마이페이지).
    pendingPrice: row.pendingChange ?? null,
    endReason: row.endReason ?? null,
    startedAt: row.startedAt,
    canceledAt: row.canceledAt,
    workflowId: row.workflowId,
  };
}

/** Sends a customer action to the subscription's workflow and answers with its new state. */
async function act<A>(
  deps: ApiDeps,
  ctx: ApiContext,
  id: string,
  update: UpdateDefinition<SubscriptionState, [SubscriptionAction<A>]>,
  args: A,
): Promise<SubscriptionState> {
  await ownSubscription(deps, ctx, id);
  try {
    return await subscriptionHandle(deps.temporal, id).executeUpdate(update, {
      args: [{ actor: actorOf(ctx), args }],
    });
  } catch (err) {
    throw fromTemporal(
      err,
      new AppError('CONFLICT', '이미 끝난 구독입니다.', { reason: 'subscription_canceled' }),
    );
  }
}

/**
 * The product's capacity (capacityPerCycle, bags per cycle) cannot take this checkout: every bag is taken
 * (`sold_out`), or fewer are left than the quantity asked for (`not_enough_left`, with how many are).
 */
export const soldOutError = (left = 0) =>
  left > 0
    ? new AppError('SOLD_OUT', `Only ${left} bag(s) of this bean are left this cycle`, {
        reason: 'not_enough_left',
        left,
      })
    : new AppError('SOLD_OUT', 'This bean is sold out for new subscriptions', { reason: 'sold_out' });

/** A checkout whose card was not connected: the error the customer can act on, in their words. */

function connectFailure(state: SubscriptionState): AppError {
  const code = state.lastError?.code ?? null;
  const words = cardFailureWords(code);
  const details = { providerCode: code };
  if (words.kind === 'auth') return new AppError('CARD_AUTH_INVALID', words.ko, details);
  if (words.kind === 'provider') return new AppError('PAYMENT_PROVIDER_UNAVAILABLE', words.ko, details);
  return new AppError('CARD_DECLINED', words.ko, details);
}

export function subscriptionRoutes(): RouteDef[] {
  const action = <A>(
    path: string,
    summary: string,
    update: UpdateDefinition<SubscriptionState, [SubscriptionAction<A>]>,
    body?: z.ZodType<A>,
  ) =>
    route({
      method: 'POST',
      path: `/api/subscriptions/:id/${path}`,
      summary,
      tag: 'subscriptions',
      access: 'user',
      params: idParams,
      ...(body ? { body } : {}),
      handler: ({ ctx, params, body: b, deps }) => act(deps, ctx, params.id, update, (b ?? {}) as A),
    });

  return [
    route({
      method: 'POST',
      path: '/api/subscriptions',
      summary:
        'Subscribe (구독): starts the subscription workflow, which records the consents, connects the card and charges on schedule',
      tag: 'subscriptions',
      access: 'user',
      body: checkoutSchema,
      status: 201,
      async handler({ ctx, body, deps: { db, temporal, config } }) {
        const user = ctx.state.user!;
        if (body.customerKey !== customerKeyFor(user.id))
          throw new AppError('FORBIDDEN', 'That card was registered for another customer');
        const product = await db('catalog_products').where({ productId: body.productId }).first();
        if (!product || product.status !== 'live')
          throw new AppError('PRODUCT_UNAVAILABLE', 'This bean is not available for new subscriptions');
        // 품절: refused here before anything starts; the workflow counts again under a lock (two checkouts racing
        // for the last bags), and answers the same.
        const left = await bagsLeft(db, product.productId);
        if (left < body.options.quantity) throw soldOutError(left);
        const offer = offerFor(product.options, body.options);
        const notOffered = {
          grams: `${body.options.grams} g is not offered`,
          grind: 'This grind is not offered',
          cycleWeeks: 'This delivery cycle is not offered',
        };
        const fields = offer.notOffered.map((f) => ({
          path: `options.${f}`,
          key: 'not_offered',
          message: notOffered[f],
        }));
        const today = seoulDate(Date.now());
        const first =
          body.firstChargeDate && body.firstChargeDate !== today
            ? seoulMidnight(body.firstChargeDate)
            : new Date();
        if (first.getTime() < Date.now() - 60_000 || first.getTime() > Date.now() + 28 * 24 * 3600_000) {
          fields.push({
            path: 'firstChargeDate',
            key: 'invalid_date',
            message: 'Choose today or a date within four weeks',
          });
        }
        if (fields.length)
          throw new AppError('VALIDATION_FAILED', `Invalid body: ${fields[0]!.message}`, { fields });
        // A first charge on a later day happens at 10:00 Seoul time.
        const firstChargeAt =
          body.firstChargeDate && body.firstChargeDate !== today
            ? new Date(first.getTime() + 10 * 3600_000)
            : first;
        // 정기결제 (this amount, cycle and dates) and 제3자 제공 to this roaster, as the page showed them.
        const consents = checkoutConsentRecords(
          legalLibrary(config.legal.dir),
          body.consents,
          {
            amount: offer.unitPrice! * body.options.quantity,
            cycleWeeks: body.options.cycleWeeks,
            firstChargeAt,
            weekMs: config.subscription.weekMs,
            seller: { partnerId: product.partnerId, companyName: product.partnerName },
          },
          new Date(),
        );
        const subscriptionId = randomUUID();
        const input: SubscriptionInput = {
          subscriptionId,
          customerId: user.id,
          customerKey: body.customerKey,
          productId: product.productId,
          partnerId: product.partnerId,
          productName: product.name,
          options: body.options,
          unitPrice: offer.unitPrice!,
          shipTo: body.shipTo,
          firstChargeAt: firstChargeAt.toISOString(),
          authKey: body.authKey,
          settings: subscriptionSettings(config.subscription),
          consents,
        };
        let state: SubscriptionState;
        try {
          state = await startSubscription(
            temporal,
            { taskQueuePrefix: config.temporal.taskQueuePrefix },
            input,
          );
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            throw new AppError('CONFLICT', 'Already subscribed');
          throw fromTemporal(err);
        }
        if (state.status === 'canceled' && state.endReason === 'sold_out') throw soldOutError();
        if (state.status === 'card_failed') throw connectFailure(state);
        if (state.status === 'connecting') {
          // The provider is slow: the subscription keeps connecting (and can be cancelled) while the customer goes on.
          ctx.status = 202;
          ctx.body = { id: subscriptionId, state };
          return RESPONDED;
        }
        return { id: subscriptionId, state };
      },
    }),
    route({
      method: 'GET',
      path: '/api/subscriptions/mine',
      summary: 'My subscriptions (마이페이지): live state, next charge, card',
      tag: 'subscriptions',
      access: 'user',
      async handler({ ctx, deps }) {
        const { db } = deps;
        const rows = await db('subscriptions as s')
          .leftJoin('catalog_products as c', 'c.product_id', 's.product_id')
          .leftJoin('cards as k', 'k.id', 's.card_id')
          .where('s.customer_id', ctx.state.user!.id)
          .whereNotIn('s.status', ['card_failed'])
          .orderBy('s.started_at', 'desc')
          .select('s.*', 'c.image_id as image_id', 'k.issuer_code as card_issuer_code');
        // What the customer can still do: withdraw an unshipped paid cycle, and when a skipped one is followed.
        const extras = await customerActionExtras(deps, ctx.state.user!.id, rows);
        return {
          items: rows.map((r: Record<string, unknown>) => ({
            ...present(r, r.imageId as string | null),
            ...extras.get(r.id as string),
          })),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/subscriptions/:id',
      summary: 'One of my subscriptions, with its live workflow state',
      tag: 'subscriptions',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps }) {
        const row = await ownSubscription(deps, ctx, params.id);
        let live: SubscriptionState | null = null;
        try {
          live = await subscriptionHandle(deps.temporal, row.id).query(subscriptionStateQuery);
        } catch {
          // Temporal unreachable or the workflow closed: the read model answers.
        }
        return { ...present(row), live };
      },
    }),
    action('pause', 'Pause deliveries and charges', pauseUpdate),
    action(
      'resume',
      'Resume a paused subscription (a charge that came due meanwhile happens now)',
      resumeUpdate,
    ),
    action('skip', 'Skip the next delivery (and its charge)', skipNextUpdate),
    action(
      'undo-skip',
      'Take back a skip (건너뛰기 취소): the next delivery is charged and shipped on its date',
      undoSkipUpdate,
    ),
    action(
      'undo-cancel',
      'Take back a cancel scheduled for the end of the cycle (해지 취소): the subscription goes on',
      undoCancelUpdate,
    ),
    action(
      'options',
      'Change weight, grind, quantity or cycle from the next cycle',
      changeOptionsUpdate,
      changeOptionsSchema,
    ),
    action(
      'card',
      'Change the card (a payment that is due is retried at once)',
      changeCardUpdate,
      changeCardSchema,
    ),
    action(
      'use-card',
      '이 카드로 결제: one of my saved cards charges this subscription',
      useCardUpdate,
      useCardSchema,
    ),
    action(
      'cancel',
      "Cancel now, or at the end of the current cycle, with the reason (해지 사유: a choice and the customer's words)",
      cancelSubscriptionUpdate,
      cancelSchema,
    ),
    action(
      'price-change',
      'Accept or refuse a pending price increase (동의 / 거부) until it takes effect',
      respondToPriceChangeUpdate,
      priceAnswerSchema,
    ),
    route({
      method: 'GET',
      path: '/api/me/payments',
      summary: 'My payments (approved only), with receipts and refunds',
      tag: 'subscriptions',
      access: 'user',
      query: pageQuery,
      async handler({ ctx, query, deps: { db } }) {
        const rows = await db('payments')
          .where({ customerId: ctx.state.user!.id })
          .orderBy('approvedAt', 'desc')
          .limit(query.limit)
          .select(
            'id',
            'subscriptionId',
            'cycle',
            'orderId',
            'orderName',
            'amount',
            'refundedAmount',
            'status',
            'cardMasked',
            'receiptUrl',
            'approvedAt',
          );
        return { items: rows };
      },
    }),
    route({
      method: 'GET',
      path: '/api/me/deliveries',
      summary: 'My deliveries: each paid cycle and where its package is',
      tag: 'subscriptions',
      access: 'user',
      query: pageQuery,
      async handler({ ctx, query, deps: { db } }) {
        const rows = await db('fulfilment_orders')
          .where({ customerId: ctx.state.user!.id })
          .orderBy('createdAt', 'desc')
          .limit(query.limit)
          .select(
            'id',
            'subscriptionId',
            'cycle',
            'productName',
            'grams',
            'grind',
            'quantity',
            'status',
            'carrier',
            'trackingNumber',
            'shipBy',
            'shippedAt',
            'deliveredAt',
            'deliveredBy',
            'canceledAt',
            'createdAt',
          );
        return { items: rows };
      },
    }),
  ];
}
