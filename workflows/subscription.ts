import { patched } from '@temporalio/workflow';
import type { SubscriptionWorkflow } from '../domain/contracts/subscription';
import type { SubscriptionInput, SubscriptionState } from '../domain/subscription';
import { SubscriptionEntity } from './subscriptionEntity';
import { legacySubscription } from './subscriptionLegacy';

/** Runs started before v2 replay the code that recorded them (they hand over to v2 at their next turn). */
export const V2_PATCH = 'subscription-v2';

/**
 * One subscription, id `subscription:<id>` (docs/architecture.md#subscription): connect the card → wait until the
 * charge is due → charge → record → … and continue as new with the whole state when the history grows. Declines go
 * through dunning on the configured ladder; a card no retry can fix waits for a new one. The customer's actions and
 * price changes are messages handled by the entity (workflows/subscriptionEntity.ts) under its mutex; what each step
 * does is decided by the pure rules in domain/subscriptionRules.ts.
 */
export const subscription: SubscriptionWorkflow = async (
  input: SubscriptionInput,
): Promise<SubscriptionState> => {
  if (!patched(V2_PATCH)) return legacySubscription(input);
  const sub = new SubscriptionEntity(input);
  if (input.carried) await sub.carryOn();
  else await sub.connect();
  for (;;) {
    const next = sub.plan();
    if (next.kind === 'end') break;
    if (next.kind === 'wait') await sub.waitUntil(next.until);
    else if (next.kind === 'charge') await sub.charge();
    else await sub.apply(next.kind);
    if (sub.shouldContinueAsNew()) await sub.continueAsNew();
  }
  await sub.finish();
  return sub.state;
};
