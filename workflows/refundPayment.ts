import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RefundPaymentWorkflow } from '../domain/contracts/refundPayment';
import type { RefundInput, RefundResult } from '../domain/payments';

// Talking to the provider: retried while the answer is uncertain (the Idempotency-Key makes that safe).
const { executeRefund } = proxyActivities<Activities>({
  startToCloseTimeout: '90s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** A full or partial refund of a payment, carried out once (docs/architecture.md#refunds). */
export async function refundPayment(input: RefundInput): Promise<RefundResult> {
  return executeRefund(input);
}
refundPayment satisfies RefundPaymentWorkflow;
