// Imports a partner's demo history (see domain/demoHistory.ts) in one transaction: ended subscriptions, their paid
// cycles, delivered orders, ledger lines and the dashboard's counters, dated in the past. For demo deployments only
// (a Toss test key): a production worker refuses it.
import { ApplicationFailure } from '@temporalio/common';
import { demoHistoryWorkflowId } from '../domain/contracts/demoHistory';
import { orderIdFor } from '../domain/keys';
import {
  planDemoHistory,
  type DemoHistoryInput,
  type DemoHistoryResult,
  type DemoProduct,
} from '../domain/demoHistory';
import type { ActivityDeps } from './deps';
import { countNewSubscription, countSale, countStatusChange } from './dashboard';

/** The demoHistory workflow's activity (docs/architecture.md#read-models). */
export function createDemoHistoryActivities({ db, demoData }: Pick<ActivityDeps, 'db' | 'demoData'>) {
  return {
    async importDemoHistory(input: DemoHistoryInput): Promise<DemoHistoryResult> {
      if (!demoData) {
        throw ApplicationFailure.nonRetryable(
          'Demo data is only for a sandbox deployment',
          'DEMO_DATA_DISABLED',
        );
      }
      const rows = await db('catalog_products')
        .where({ partnerId: input.partnerId, status: 'live' })
        .orderBy('publishedAt')
        .select('productId', 'name', 'options');
      const products: DemoProduct[] = rows.map((r) => ({
        productId: r.productId,
        name: r.name,
        weights: r.options.weights,
        grinds: r.options.grinds,
        cycles: r.options.cycles,
      }));
      const customers = await db('users').whereIn('id', input.customerIds).select('id', 'name');
      const nameOf = new Map(customers.map((c) => [c.id as string, c.name as string]));
      const plan = planDemoHistory(
        { ...input, customerIds: input.customerIds.filter((id) => nameOf.has(id)) },
        products,
      );
      if (!plan.length) return { subscriptions: 0, payments: 0, imported: false };

      return db.transaction(async (trx) => {
        // The plan's ids are stable: if its first subscription is there, the whole history is (one transaction).
        if (await trx('subscriptions').where({ id: plan[0]!.id }).first('id')) {
          return { subscriptions: 0, payments: 0, imported: false };
        }
        let payments = 0;
        for (const s of plan) {
          const shipTo = {
            name: nameOf.get(s.customerId)!,
            phone: '010-0000-0000',
            address: '서울특별시 종로구 세종대로 175',
          };
          const last = s.charges.at(-1)!;
          await trx('subscriptions').insert({
            id: s.id,
            customerId: s.customerId,
            productId: s.product.productId,
            partnerId: input.partnerId,
            workflowId: demoHistoryWorkflowId(input.partnerId),
            status: 'canceled',
            productName: s.product.name,
            grams: s.grams,
            grind: s.grind,
            quantity: s.quantity,
            cycleWeeks: s.cycleWeeks,
            unitPrice: s.unitPrice,
            amount: s.amount,
            shipTo: JSON.stringify(shipTo),
            cardMasked: '433012******1234',
            cycle: last.cycle,
            startedAt: s.startedAt,
            canceledAt: s.canceledAt,
            updatedAt: s.canceledAt,
          });
          const orderName = `${s.product.name} ${s.grams}g × ${s.quantity}`.slice(0, 100);
          for (const c of s.charges) {
            const orderId = orderIdFor(s.id, c.cycle);
            const [payment] = await trx('payments')
              .insert({
                id: trx.raw('gen_random_uuid()'),
                subscriptionId: s.id,
                customerId: s.customerId,
                partnerId: input.partnerId,
                productId: s.product.productId,
                cycle: c.cycle,
                orderId,
                paymentKey: `demo_${orderId}`,
                orderName,
                amount: s.amount,
                cardMasked: '433012******1234',
                approvedAt: c.approvedAt,
                createdAt: c.approvedAt,
              })
              .returning('id');
            const paymentId = payment.id as string;
            await trx('payment_events').insert({
              kind: 'charge',
              subscriptionId: s.id,
              paymentId,
              customerId: s.customerId,
              partnerId: input.partnerId,
              cycle: c.cycle,
              attempt: 1,
              orderId,
              amount: s.amount,
              outcome: 'approved',
              dedupeKey: `charge:${orderId}:approved`,
              at: c.approvedAt,
            });
            await trx('fulfilment_orders').insert({
              id: trx.raw('gen_random_uuid()'),
              paymentId,
              subscriptionId: s.id,
              customerId: s.customerId,
              partnerId: input.partnerId,
              productId: s.product.productId,
              cycle: c.cycle,
              productName: s.product.name,
              grams: s.grams,
              grind: s.grind,
              quantity: s.quantity,
              shipTo: JSON.stringify(shipTo),
              shipBy: new Date(c.approvedAt.getTime() + 3 * 24 * 3600_000),
              status: 'delivered',
              carrier: c.carrier,
              trackingNumber: c.trackingNumber,
              roastedAt: c.roastedAt,
              shippedAt: c.shippedAt,
              deliveredAt: c.deliveredAt,
              deliveredBy: c.deliveredBy,
              createdAt: c.approvedAt,
              updatedAt: c.deliveredAt,
            });
            await trx('partner_ledger').insert({
              partnerId: input.partnerId,
              paymentId,
              kind: 'sale',
              amount: s.amount,
              dedupeKey: `sale:${orderId}`,
              at: c.approvedAt,
            });
            payments++;
          }
        }
        // The dashboard's counters last, in the order every recording transaction takes them (sales, then status
        // counts, then daily subscriptions), each dated when it happened.
        for (const s of plan) {
          for (const c of s.charges) {
            await countSale(trx, {
              partnerId: input.partnerId,
              productId: s.product.productId,
              productName: s.product.name,
              amount: s.amount,
              approvedAt: c.approvedAt.toISOString(),
            });
          }
        }
        for (const s of plan) {
          await countNewSubscription(trx, input.partnerId);
          await countStatusChange(
            trx,
            { partnerId: input.partnerId, status: 'connecting', startedAt: s.startedAt },
            'canceled',
            s.canceledAt.toISOString(),
          );
        }
        return { subscriptions: plan.length, payments, imported: true };
      });
    },
  };
}
