import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClaimInput, ClaimResult } from '../domain/inbox';
import type { PartnerApplicationState, ReviewDecision } from '../domain/partner';

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
