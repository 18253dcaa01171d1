import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FulfilmentState, OrderActor, ShipForm } from '../domain/fulfilment';
import type { ClaimInput, ClaimResult } from '../domain/inbox';
import type { Actor, PartnerApplicationState, ReviewDecision } from '../domain/partner';
import type { ProductForm, ProductPublicationState } from '../domain/product';
import type { PayoutCommand, StatementPayoutState } from '../domain/settlement';

// Message definitions only (no activity proxies), so the API can import them.

/** Claim / release / decide: every workflow that owns an inbox task answers these, so the inbox stays generic. */
export const claimTaskUpdate = defineUpdate<ClaimResult, [ClaimInput]>('claimTask');
export const releaseTaskUpdate = defineUpdate<ClaimResult, [ClaimInput]>('releaseTask');
export const decideUpdate = defineUpdate<DecisionOutcome, [ReviewDecision]>('decide');

/** What the admin who decided is told. */
export interface DecisionOutcome {
  status: string;
  subjectId: string;
}

/** Live state of a partner application. */
export const applicationStatusQuery = defineQuery<PartnerApplicationState>('status');

/** A partner's new product revision (an edit goes through the same review while the live one stays). */
export const submitRevisionUpdate = defineUpdate<
  { revisionId: string; number: number },
  [{ revisionId: string; form: ProductForm; actor: Actor }]
>('submitRevision');

/** List or unlist a published product (unlisting stops new subscriptions). */
export const setListingUpdate = defineUpdate<
  { listed: boolean },
  [{ listed: boolean; actor: Actor; reason?: string; requestId: string }]
>('setListing');

/** Live state of a product's publication. */
export const productStatusQuery = defineQuery<ProductPublicationState>('productStatus');

/** Fulfilment: the partner's steps and the customer's confirmation (Updates with validators), and the live state. */
export const fulfilmentStateQuery = defineQuery<FulfilmentState>('fulfilmentState');
export const markRoastedUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor }]>('markRoasted');
export const markShippedUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor } & ShipForm]>(
  'markShipped',
);
export const confirmDeliveredUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor }]>(
  'confirmDelivered',
);
/** Settlement: an admin marks a statement paid (validated: admin, statement open, a reference); its live state. */
export const markPayoutUpdate = defineUpdate<StatementPayoutState, [PayoutCommand]>('markPayout');
export const statementPayoutQuery = defineQuery<StatementPayoutState>('payout');
