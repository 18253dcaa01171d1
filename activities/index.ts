import { createAccountActivities } from './accounts';
import type { ActivityDeps } from './deps';
import { createDemoHistoryActivities } from './demoHistory';
import { createFulfilmentActivities } from './fulfilment';
import { createInboxActivities } from './inbox';
import { createPartnerActivities } from './partners';
import { createProductActivities } from './products';
import { createRefundActivities } from './refunds';
import { createSettlementActivities } from './settlement';
import { createSubscriptionActivities } from './subscriptions';

/** Every activity, built from its dependencies (tests inject real or fake ones). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createInboxActivities(deps),
    ...createPartnerActivities(deps),
    ...createProductActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createRefundActivities(deps),
    ...createFulfilmentActivities(deps),
    ...createSettlementActivities(deps),
    ...createDemoHistoryActivities(deps),
  };
}

/** The activity interface workflows proxy (`import type` only). */
export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
