import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import {
  customerCardOf,
  liveSubscriptionStatuses,
  registerCardSchema,
  type CardUse,
  type CustomerCard,
  type CustomerCardsInput,
  type CustomerCardsResult,
} from '../../domain/cards';
import { customerCardsHandle, startCustomerCards } from '../../domain/contracts/customerCards';
import { AppError } from '../../domain/errors';
import { customerKeyFor } from '../../domain/keys';
import type { ApiContext, ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

// 결제 수단 (마이페이지): the signed-in customer's saved cards. Registering and removing one are writes, so each is a
// customerCards workflow; choosing one for a subscription is that subscription's `useCard` Update.

const idParams = z.strictObject({ id: z.uuid() });
const userOf = (ctx: ApiContext) => ctx.state.user!;

/** One action of the customer's, one at a time: a second one waits for the running one, then starts. */
async function runAction(deps: ApiDeps, input: CustomerCardsInput): Promise<CustomerCardsResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await startCustomerCards(deps.temporal, deps.config.temporal, input)).result();
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 5) throw fromTemporal(err);
      await customerCardsHandle(deps.temporal, input.userId)
        .result()
        .catch(() => undefined);
    }
  }
}

/** The workflow's answer as the API's: the card, or its refusal with the page's reason key. */
function answer(result: CustomerCardsResult): { id: string; numberMasked: string } {
  if (result.ok) return { id: result.cardId, numberMasked: result.cardMasked };
  const details = {
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.providerCode ? { providerCode: result.providerCode } : {}),
  };
  throw new AppError(result.code, result.message, Object.keys(details).length ? details : undefined);
}

export function cardRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/me/cards',
      summary:
        'My saved cards (결제 수단): company, number as Toss returns it, and the live subscriptions charging each',
      tag: 'subscriptions',
      access: 'user',
      async handler({ ctx, deps: { db } }): Promise<{ items: CustomerCard[] }> {
        const cards = (await db('cards')
          .where({ userId: userOf(ctx).id })
          .whereNull('removedAt')
          .whereNotNull('billingKeyEnc')
          .orderBy('createdAt', 'desc')
          .select('id', 'issuerCode', 'numberMasked', 'cardType', 'createdAt')) as Parameters<
          typeof customerCardOf
        >[0][];
        const uses = (await db('subscriptions')
          .whereIn(
            'cardId',
            cards.map((c) => c.id),
          )
          .whereIn('status', [...liveSubscriptionStatuses])
          .orderBy('startedAt')
          .select('id', 'cardId', 'productName', 'status')) as {
          id: string;
          cardId: string;
          productName: string;
          status: string;
        }[];
        const byCard = new Map<string, CardUse[]>();
        for (const u of uses) {
          const list = byCard.get(u.cardId) ?? [];
          list.push({ subscriptionId: u.id, productName: u.productName, status: u.status });
          byCard.set(u.cardId, list);
        }
        return { items: cards.map((c) => customerCardOf(c, byCard.get(c.id) ?? [])) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/me/cards',
      summary:
        '새 카드 등록: the card window’s authKey becomes a saved card (its billing key sealed, never shown)',
      tag: 'subscriptions',
      access: 'user',
      body: registerCardSchema,
      status: 201,
      async handler({ ctx, body, deps }) {
        const user = userOf(ctx);
        if (body.customerKey !== customerKeyFor(user.id))
          throw new AppError('FORBIDDEN', 'That card was registered for another customer');
        return answer(
          await runAction(deps, {
            userId: user.id,
            action: { kind: 'register', authKey: body.authKey, customerKey: body.customerKey },
          }),
        );
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/me/cards/:id',
      summary: 'Remove a saved card no live subscription charges: its billing key is erased here and at Toss',
      tag: 'subscriptions',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps }) {
        const user = userOf(ctx);
        const own = await deps.db('cards').where({ id: params.id, userId: user.id }).first('id');
        if (!own) throw new AppError('NOT_FOUND', 'No such card');
        answer(await runAction(deps, { userId: user.id, action: { kind: 'remove', cardId: params.id } }));
        return { id: params.id, removed: true };
      },
    }),
  ];
}
