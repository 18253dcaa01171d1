import { createAddressBookActivities } from './addressBook';
import { createAuditActivities } from './audit';
import { createAccountActivities } from './account';
import type { ActivityDeps } from './deps';
import { createCardActivities } from './cards';
import { createDemoHistoryActivities } from './demoHistory';
import { createFulfilmentActivities } from './fulfilment';
import { createNotifierActivities } from './notifier';
import { createNotificationSettingsActivities } from './notificationSettings';
import { createPartnerApplicationActivities } from './partnerApplication';
import { createPartnerStatusActivities } from './partnerStatus';
import { createPartnerProfileChangeActivities } from './partnerProfileChange';
import { createProductPublicationActivities } from './productPublication';
import { createReconcileActivities } from './reconcile';
import { createRefundPaymentActivities } from './refundPayment';
import { createReviewDeskActivities } from './reviewDesk';
import { createSetPartnerCommissionActivities } from './setPartnerCommission';
import { createSettlementRunActivities } from './settlementRun';
import { createSettlementStatementActivities } from './settlementStatement';
import { createSignUpActivities } from './signUp';
import { createSubscriptionActivities } from './subscription';

/**
 * Every activity, built from its dependencies (tests inject real or fake ones). Each module pairs by name with the
 * workflow it serves (activities/fulfilment.ts ↔ workflows/fulfilment.ts); outbox, dashboard and log are shared.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSignUpActivities(deps),
    ...createReviewDeskActivities(deps),
    ...createPartnerApplicationActivities(deps),
    ...createPartnerProfileChangeActivities(deps),
    ...createProductPublicationActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createCardActivities(deps),
    ...createRefundPaymentActivities(deps),
    ...createFulfilmentActivities(deps),
    ...createSettlementRunActivities(deps),
    ...createSettlementStatementActivities(deps),
    ...createSetPartnerCommissionActivities(deps),
    ...createDemoHistoryActivities(deps),
    ...createNotifierActivities(deps),
    ...createNotificationSettingsActivities(deps),
    ...createAddressBookActivities(deps),
    ...createAuditActivities(deps),
    ...createPartnerStatusActivities(deps),
    ...createAccountActivities(deps),
    ...createReconcileActivities(deps),
  };
}

/** The activity interface workflows proxy (`import type` only). */
export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
