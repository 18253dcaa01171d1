// A partner's suspension (docs/architecture.md#back-office): types shared by the API, the workflow and the UI.
// No zod here: the workflow imports it.

/** Suspend or resume a partner (the `partnerStatus` workflow's input). */
export interface PartnerStatusInput {
  partnerId: string;
  action: 'suspend' | 'resume';
  reason: string;
  actorId: string;
}

/** What a suspension or resumption did. */
export interface PartnerStatusResult {
  partnerId: string;
  status: 'active' | 'suspended';
  /** False when the partner already had that status (nothing was done). */
  changed: boolean;
  /** Subscriptions paused (suspend) or resumed (resume). */
  subscriptions: number;
}

/** One row of the partner directory. */
export interface PartnerDirectoryRow {
  id: string;
  companyName: string;
  representative: string;
  email: string;
  status: 'active' | 'suspended';
  suspendedAt: string | null;
  suspensionReason: string | null;
  approvedAt: string;
  products: number;
  liveProducts: number;
  subscribers: number;
  heldStatements: number;
  lastPayout: { paidAt: string; amount: number } | null;
}

/** The words a customer reads when a suspension pauses their subscription. */
export const SUSPENSION_PAUSE_REASON =
  '로스터리의 판매가 일시 중지되어 구독을 잠시 멈춥니다 (roaster suspended)';
