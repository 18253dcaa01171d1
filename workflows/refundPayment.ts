import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RefundPaymentWorkflow } from '../domain/contracts/refundPayment';
import type { RefundInput, RefundResult } from '../domain/payments';
import { dbActivityOptions, providerActivityOptions } from './options';

const { executeRefund } = proxyActivities<Activities>(providerActivityOptions);
const { cancelFulfilmentOfPayment } = proxyActivities<Activities>(dbActivityOptions);

/**
 * A full or partial refund of a payment, carried out once (docs/architecture.md#refunds). A payment refunded in full
 * whose order has not shipped ends that order: the roaster sees it canceled and no longer has it to ship.
 */
export async function refundPayment(input: RefundInput): Promise<RefundResult> {
  const result = await executeRefund(input);
  if (result.ok && result.status === 'refunded' && patched('refund-cancels-fulfilment')) {
    await cancelFulfilmentOfPayment({ paymentId: input.paymentId });
  }
  return result;
}
refundPayment satisfies RefundPaymentWorkflow;
