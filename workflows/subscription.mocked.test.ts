// The subscription workflow against the real dev server with fake activities: no database, no provider, so each
// scenario controls exactly what the provider answers and when. The real-stack tests are in subscription.test.ts.
import { WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Activities } from '../activities';
import type { ChargeCycleInput, SubscriptionPatch } from '../activities/subscription';
import {
  cancelSubscriptionUpdate,
  changeCardUpdate,
  changeOptionsUpdate,
  pauseUpdate,
  priceChangeSignal,
  respondToPriceChangeUpdate,
  startSubscription,
  startSubscriptionWorkflow,
  subscriptionStateQuery,
  type SubscriptionWorkflow,
  subscriptionWorkflowId,
} from '../domain/contracts/subscription';
import type {
  ChargeResult,
  ConnectResult,
  SubscriptionInput,
  SubscriptionSettings,
  SubscriptionState,
} from '../domain/subscription';
import { initialState } from '../domain/subscriptionRules';
import { dataConverterFor } from '../infra/payloadCodec';
import { eventually, temporalEnv, stopTemporal, testConfig, uniq } from '../test/harness';
import { getWorkflowBundle } from '../worker/bundle';

type Env = Awaited<ReturnType<typeof temporalEnv>>;
let env: Env;
const prefix = `m${uniq()}`;
before(async () => {
  env = await temporalEnv();
});
after(async () => {
  await stopTemporal();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A switch a fake activity waits on: closed until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** Fake activities that record what the workflow asked for; each scenario sets how the provider answers. */
class Fakes {
  saves: { patch: SubscriptionPatch; template?: string }[] = [];
  charges: ChargeCycleInput[] = [];
  withdrawn: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  connect: () => Promise<ConnectResult> = async () => ({
    ok: true,
    cardId: 'card-1',
    cardMasked: '4330****1234',
  });
  charge: (input: ChargeCycleInput) => Promise<ChargeResult> = async (input) => this.approve(input);
  saveDelay: (patch: SubscriptionPatch) => number = () => 0;
  quoteDelayMs = 0;

  approve(input: ChargeCycleInput): ChargeResult {
    return {
      outcome: 'approved',
      paymentId: randomUUID(),
      amount: input.amount ?? 0,
      approvedAt: new Date().toISOString(),
      unitPrice: 0,
    };
  }

  /** Counts overlapping writes: the workflow's writes must take turns. */
  private async exclusive<T>(delayMs: number, fn: () => T): Promise<T> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await sleep(delayMs);
      return fn();
    } finally {
      this.inFlight -= 1;
    }
  }

  activities(): Partial<Activities> {
    return {
      createSubscription: async () => ({ soldOut: false }),
      cancelUnshippedOrders: async ({ subscriptionId }) => {
        this.withdrawn.push(subscriptionId);
        return { signalled: 0 };
      },
      connectCard: () => this.connect(),
      saveSubscription: ({ patch, notify }) =>
        this.exclusive(this.saveDelay(patch), () => {
          this.saves.push({ patch, template: notify?.template });
        }),
      chargeCycle: async (input) => {
        this.charges.push(input);
        return this.charge(input);
      },
      quoteSubscriptionOptions: ({ options }) =>
        this.exclusive(this.quoteDelayMs, () => ({ ok: true as const, options, unitPrice: 36000 })),
      changeSubscriptionOptions: ({ options }) =>
        this.exclusive(this.quoteDelayMs, () => ({
          ok: true as const,
          options: {
            grams: 500,
            grind: 'whole_bean' as const,
            quantity: 1,
            cycleWeeks: 1 as const,
            ...options,
          },
          unitPrice: 36000,
        })),
    };
  }
}

const customerId = randomUUID();
const actor = { userId: customerId, roles: ['customer' as const] };
const options = { grams: 200, grind: 'whole_bean' as const, quantity: 1, cycleWeeks: 1 as const };

function input(
  settings: Partial<SubscriptionSettings> = {},
  over: Partial<SubscriptionInput> = {},
): SubscriptionInput {
  return {
    subscriptionId: randomUUID(),
    customerId,
    customerKey: 'dalgona_test',
    productId: randomUUID(),
    partnerId: randomUUID(),
    productName: 'Test Blend',
    options,
    unitPrice: 16000,
    shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
    firstChargeAt: new Date().toISOString(),
    authKey: 'auth_1',
    settings: {
      weekMs: 60_000,
      dunningLadderMs: [300, 600, 900],
      errorBackoffMs: 60_000,
      connectWaitMs: 2_000,
      connectBudgetMs: 60_000,
      cardChangeBudgetMs: 2_000,
      ...settings,
    },
    ...over,
  };
}

/** Runs `fn` with a worker that has these fakes, on a task queue of its own. */
async function withWorker<T>(fakes: Fakes, fn: (queuePrefix: string) => Promise<T>): Promise<T> {
  const queuePrefix = `${prefix}${uniq()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: `${queuePrefix}-billing`,
    workflowBundle: await getWorkflowBundle(),
    activities: fakes.activities(),
    dataConverter: dataConverterFor(testConfig().payloadKeys),
  });
  return worker.runUntil(fn(queuePrefix));
}

const state = (h: WorkflowHandle<SubscriptionWorkflow>) => h.query(subscriptionStateQuery);
const refusalOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => assert.fail('expected the Update to be refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  return err.cause as ApplicationFailure;
};

describe('subscription workflow with fake activities (real dev server)', () => {
  it('dunning: declines climb the ladder with a new key each, a retry looks the order up, then it recovers', async () => {
    const fakes = new Fakes();
    let n = 0;
    fakes.charge = async (i) =>
      ++n <= 2
        ? {
            outcome: 'declined',
            code: 'REJECT_CARD_PAYMENT',
            message: 'no',
            needsNewCard: false,
            at: new Date().toISOString(),
          }
        : fakes.approve(i);
    await withWorker(fakes, async (q) => {
      const i = input();
      const state0 = await startSubscription(env.client, { taskQueuePrefix: q }, i);
      assert.equal(state0.status, 'active');
      await eventually(async () => fakes.charges.length >= 3, 15_000);
      const handle = env.client.workflow.getHandle<SubscriptionWorkflow>(
        subscriptionWorkflowId(i.subscriptionId),
      );
      const s = await eventually(async () => {
        const st = await state(handle);
        return st.cycle === 1 ? st : null;
      });
      assert.deepEqual(
        fakes.charges.slice(0, 3).map((c) => [c.cycle, c.attempt, c.lookupFirst]),
        [
          [1, 1, false],
          [1, 2, true],
          [1, 3, true],
        ],
      );
      assert.deepEqual(
        fakes.saves.filter((x) => x.template === 'payment_failed').map((x) => x.patch.dunningStep),
        [1, 2],
      );
      assert.deepEqual([s.status, s.dunningStep, s.paymentState], ['active', 0, 'idle']);
      await handle.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
      assert.equal((await handle.result()).status, 'canceled');
      assert.deepEqual(
        fakes.withdrawn,
        [i.subscriptionId],
        'cancelled at once: its unshipped paid cycle is withdrawn',
      );
    });
  });

  it('two Updates that arrive while a third holds its turn run one after the other (the old `exclusive` ran them together)', async () => {
    const fakes = new Fakes();
    fakes.quoteDelayMs = 1500;
    fakes.saveDelay = (patch) => (patch.status === 'paused' ? 800 : 50);
    await withWorker(fakes, async (q) => {
      const i = input();
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      await eventually(async () => fakes.charges.length >= 1);
      fakes.saves = [];
      fakes.maxInFlight = 0;
      const holder = h.executeUpdate(changeOptionsUpdate, { args: [{ actor, args: { grams: 500 } }] });
      await sleep(300);
      // The pause is accepted (its handler waits for its turn) before the cancel is sent: both wait behind the holder.
      const pause = await h.startUpdate(pauseUpdate, {
        args: [{ actor, args: {} }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      const cancel = h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
      const results = await Promise.allSettled([holder, pause.result(), cancel]);
      assert.ok(
        results.every((r) => r.status === 'fulfilled'),
        JSON.stringify(results),
      );
      assert.equal(fakes.maxInFlight, 1, 'writes never overlap');
      const final = await h.result();
      assert.equal(final.status, 'canceled');
      // In the order they were accepted; the read model's last write is the workflow's last state.
      assert.deepEqual(
        fakes.saves.map((x) => x.patch.status),
        ['active', 'paused', 'canceled'],
      );
    });
  });

  it('a provider outage does not hold the customer: pause answers while the charge waits for its retry', async () => {
    const fakes = new Fakes();
    fakes.charge = async () => {
      throw ApplicationFailure.retryable('Toss is down', 'PROVIDER_ERROR');
    };
    await withWorker(fakes, async (q) => {
      const i = input({ errorBackoffMs: 60_000 });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      const retrying = await eventually(async () => {
        const st = await state(h);
        return st.paymentState === 'retrying' ? st : null;
      }, 20_000);
      assert.equal(retrying.lastError?.code, 'PROVIDER_ERROR');
      const described = await h.describe();
      assert.deepEqual(described.searchAttributes.PaymentState, ['retrying']);
      const charges = fakes.charges.length;
      // The retry is a minute away: an Update that waited for it (the old sleep under the lock) would time out here.
      const paused = await Promise.race([
        h.executeUpdate(pauseUpdate, { args: [{ actor, args: {} }] }),
        sleep(20_000).then(() => assert.fail('pause waited for the provider')),
      ]);
      assert.deepEqual([paused.status, paused.paymentState, paused.nextRetryAt], ['paused', 'idle', null]);
      assert.equal(fakes.charges.length, charges, 'no charge while paused');
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
      await h.result();
    });
  });

  it('connect: a refusal the customer can fix ends it at once; provider faults retry visibly and can be cancelled', async () => {
    const fakes = new Fakes();
    fakes.connect = async () => ({ ok: false, code: 'NOT_MATCHES_CUSTOMER_KEY', message: 'other key' });
    await withWorker(fakes, async (q) => {
      const refused = await startSubscription(env.client, { taskQueuePrefix: q }, input());
      assert.equal(refused.status, 'card_failed');
      assert.equal(refused.lastError?.code, 'NOT_MATCHES_CUSTOMER_KEY');
      assert.match(refused.lastError!.message, /다른 계정/);
      assert.equal(fakes.charges.length, 0);

      let attempts = 0;
      fakes.connect = async () => {
        attempts += 1;
        throw ApplicationFailure.retryable('no answer', 'TIMEOUT');
      };
      const i = input({ errorBackoffMs: 1000, connectWaitMs: 1500 });
      const waiting = await startSubscription(env.client, { taskQueuePrefix: q }, i);
      assert.equal(waiting.status, 'connecting', 'checkout answers "still connecting" after the wait');
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      await eventually(async () => (await state(h)).paymentState === 'retrying', 15_000);
      assert.deepEqual((await h.describe()).searchAttributes.PaymentState, ['retrying']);
      const canceled = await h.executeUpdate(cancelSubscriptionUpdate, {
        args: [{ actor, args: { when: 'now' } }],
      });
      assert.equal(canceled.status, 'canceled');
      assert.equal((await h.result()).status, 'canceled');
      assert.ok(attempts >= 3);

      const budget = input({ errorBackoffMs: 300, connectWaitMs: 500, connectBudgetMs: 2500 });
      await startSubscription(env.client, { taskQueuePrefix: q }, budget);
      const gaveUp = await env.client.workflow
        .getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(budget.subscriptionId))
        .result();
      assert.deepEqual([gaveUp.status, gaveUp.lastError?.code], ['card_failed', 'PROVIDER_UNAVAILABLE']);
    });
  });

  it("a card change refused by the customer's side or left unanswered by the provider is refused at once; the charge goes on", async () => {
    const fakes = new Fakes();
    await withWorker(fakes, async (q) => {
      const i = input({ weekMs: 1500, cardChangeBudgetMs: 1500 });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      await eventually(async () => fakes.charges.length >= 1);
      fakes.connect = async () => ({ ok: false, code: 'NOT_MATCHES_CUSTOMER_KEY', message: 'x' });
      const change = (authKey: string) =>
        h.executeUpdate(changeCardUpdate, {
          args: [{ actor, args: { authKey, customerKey: 'dalgona_test' } }],
        });
      const mismatch = await refusalOf(change('a1'));
      assert.equal(mismatch.type, 'CARD_AUTH_INVALID');
      const hang = gate();
      fakes.connect = async () => {
        await hang.opened;
        throw new Error('never answered');
      };
      const unanswered = await refusalOf(change('a2'));
      assert.equal(unanswered.type, 'PAYMENT_PROVIDER_UNAVAILABLE');
      // Meanwhile the schedule went on: the next cycle was charged, and the customer can still act.
      await eventually(async () => fakes.charges.some((c) => c.cycle >= 2), 10_000);
      const paused = await h.executeUpdate(pauseUpdate, { args: [{ actor, args: {} }] });
      assert.equal(paused.status, 'paused');
      hang.open();
      assert.equal((await state(h)).cardId, 'card-1', 'the card is unchanged');
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });

  /** Waits for the first charge, then signals a new price for the 200 g weight (twice: a retried announcement). */
  async function priceChanged(h: WorkflowHandle<SubscriptionWorkflow>, fakes: Fakes, priceKrw: number) {
    await eventually(async () => fakes.charges.length >= 1);
    assert.equal(fakes.charges[0]!.amount, 32000);
    const change = {
      revisionId: randomUUID(),
      weights: [{ grams: 200, priceKrw }],
      effectiveAt: new Date().toISOString(),
    };
    await h.signal(priceChangeSignal, change);
    await h.signal(priceChangeSignal, change);
    return change.revisionId;
  }
  // Charged every 3 s; an increase takes effect 4 s after its notice (between the second and third charge), reminded
  // 1 s after it.
  const consent = { weekMs: 3000, priceChangeNoticeMs: 4000, priceChangeReminderMs: 3000 };

  it('a price increase is charged only after the subscriber accepts it, from its date; notices once each', async () => {
    const fakes = new Fakes();
    await withWorker(fakes, async (q) => {
      const i = input(consent, { options: { ...options, quantity: 2 } });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      const revisionId = await priceChanged(h, fakes, 17000);
      const pending = await eventually(async () => (await state(h)).pendingPrice ?? null);
      assert.deepEqual([pending.consent, pending.unitPrice], ['pending', 17000]);
      await eventually(async () => fakes.charges.length >= 2, 10_000);
      assert.equal(fakes.charges[1]!.amount, 32000, 'before its date: the old price');
      await eventually(async () => fakes.saves.some((x) => x.template === 'price_change_reminder'));
      const answered = await h.executeUpdate(respondToPriceChangeUpdate, {
        args: [{ actor, args: { revisionId, decision: 'accept' } }],
      });
      assert.equal(answered.pendingPrice?.consent, 'accepted');
      await eventually(async () => fakes.charges.length >= 3, 10_000);
      assert.equal(fakes.charges[2]!.amount, 34000, 'from its date: the new price');
      const templates = fakes.saves.map((x) => x.template).filter(Boolean);
      for (const t of ['price_change_proposed', 'price_change_reminder', 'price_change_accepted'])
        assert.equal(templates.filter((x) => x === t).length, 1, `${t} in ${templates.join()}`);
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });

  it('an increase refused (or not answered) is never charged: the subscription ends on its date', async () => {
    for (const answer of ['refuse', null] as const) {
      const fakes = new Fakes();
      await withWorker(fakes, async (q) => {
        const i = input(consent, { options: { ...options, quantity: 2 } });
        await startSubscription(env.client, { taskQueuePrefix: q }, i);
        const h = env.client.workflow.getHandle<SubscriptionWorkflow>(
          subscriptionWorkflowId(i.subscriptionId),
        );
        const revisionId = await priceChanged(h, fakes, 17000);
        if (answer) {
          await eventually(async () => (await state(h)).pendingPrice ?? null);
          await h.executeUpdate(respondToPriceChangeUpdate, {
            args: [{ actor, args: { revisionId, decision: answer } }],
          });
        }
        const end = await h.result();
        assert.deepEqual(
          [end.status, end.endReason],
          ['canceled', answer ? 'price_refused' : 'price_unanswered'],
        );
        assert.ok(fakes.charges.length >= 2, 'the cycles before its date were charged');
        assert.ok(
          fakes.charges.every((c) => c.amount === 32000),
          `never the new price: ${fakes.charges.map((c) => c.amount).join()}`,
        );
        assert.equal(fakes.saves.filter((x) => x.template === 'subscription_ended_price').length, 1);
        assert.deepEqual(fakes.withdrawn, [], 'the last paid cycle still ships');
      });
    }
  });

  it('a decrease applies from the next cycle, with a notice, without asking', async () => {
    const fakes = new Fakes();
    await withWorker(fakes, async (q) => {
      const i = input(consent, { options: { ...options, quantity: 2 } });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      await priceChanged(h, fakes, 15000);
      await eventually(async () => fakes.charges.length >= 2, 10_000);
      assert.equal(fakes.charges[1]!.amount, 30000);
      const notices = fakes.saves.filter((x) => x.template === 'subscription_price_changed');
      assert.equal(notices.length, 1);
      assert.deepEqual([notices[0]!.patch.unitPrice, notices[0]!.patch.amount], [15000, 30000]);
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });

  it('결제 예정 안내 goes out before each charge, once; a pause stops it', async () => {
    const fakes = new Fakes();
    await withWorker(fakes, async (q) => {
      const i = input({ weekMs: 3000, noticeBeforeChargeMs: 1500 });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      await eventually(async () => fakes.charges.length >= 3, 15_000);
      const upcoming = () => fakes.saves.filter((x) => x.template === 'payment_upcoming').length;
      // None for the first charge (made at checkout), one before each later one.
      assert.ok(
        upcoming() >= 2 && upcoming() <= fakes.charges.length,
        `${upcoming()} / ${fakes.charges.length}`,
      );
      await h.executeUpdate(pauseUpdate, { args: [{ actor, args: {} }] });
      const seen = upcoming();
      await sleep(4000);
      assert.equal(upcoming(), seen, 'no notice while paused');
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });

  it('continue-as-new carries the whole state, a pending price and the attempt count included', async () => {
    const fakes = new Fakes();
    let n = 0;
    fakes.charge = async (i) =>
      ++n === 1
        ? {
            outcome: 'declined',
            code: 'REJECT_CARD_PAYMENT',
            message: 'no',
            needsNewCard: false,
            at: new Date().toISOString(),
          }
        : fakes.approve(i);
    await withWorker(fakes, async (q) => {
      const i = input({ historyLimit: 20, dunningLadderMs: [5000, 10000] });
      await startSubscription(env.client, { taskQueuePrefix: q }, i);
      const h = env.client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(i.subscriptionId));
      const firstRun = (await h.describe()).runId;
      await eventually(async () => (await state(h)).status === 'past_due');
      await h.signal(priceChangeSignal, {
        revisionId: 'rev-later',
        weights: [{ grams: 200, priceKrw: 18000 }],
        effectiveAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const carried = await eventually(async () => {
        const d = await h.describe();
        return d.runId !== firstRun ? state(h) : null;
      }, 15_000);
      assert.equal(carried.status, 'past_due');
      assert.equal(carried.chargeAttempts, 1);
      assert.equal(carried.dunningStep, 1);
      assert.equal(carried.pendingPrice?.unitPrice, 18000);
      await eventually(async () => fakes.charges.length >= 2, 15_000);
      assert.equal(fakes.charges[1]!.attempt, 2, 'the retry after the new run has the next key');
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });

  it('a carried run (as the burst bench and a repair start it) charges at once without connecting', async () => {
    const fakes = new Fakes();
    let connects = 0;
    fakes.connect = async () => {
      connects += 1;
      return { ok: true, cardId: 'x', cardMasked: 'x' };
    };
    await withWorker(fakes, async (q) => {
      const i = input({}, { authKey: undefined });
      const carried: SubscriptionState = {
        ...initialState(i.firstChargeAt, i.options, i.unitPrice),
        status: 'active',
        cardId: 'card-9',
        cardMasked: '9999',
      };
      const h = await startSubscriptionWorkflow(env.client, { taskQueuePrefix: q }, { ...i, carried });
      await eventually(async () => fakes.charges.length >= 1);
      assert.equal(connects, 0);
      assert.equal(fakes.charges[0]!.cardId, 'card-9');
      await h.executeUpdate(cancelSubscriptionUpdate, { args: [{ actor, args: { when: 'now' } }] });
    });
  });
});
