// The back office's requests (docs/architecture.md#back-office): the partner directory, suspension, the customer
// lookup and actions on a customer's behalf. Every admin action names its reason.
import { z } from 'zod';
import { plainText } from './validation';

/** Why an admin acts (kept in the audit log; the customer or roaster may read it). */
export const adminReason = () => plainText('required').min(2, 'required').max(300, 'too_long');

/** Suspend or resume a partner. */
export const partnerStatusSchema = z.strictObject({ reason: adminReason() });

/** The partner directory's filters. */
export const partnerDirectoryQuerySchema = z.strictObject({
  status: z.enum(['active', 'suspended']).optional(),
  q: plainText().min(1).max(100).optional(),
});

/** The customer lookup: an e-mail, a name or a phone number (part of one). */
export const customerSearchSchema = z.strictObject({
  q: plainText('required').min(2, 'too_short').max(100, 'too_long'),
});

/** Pause or resume a customer's subscription for them. */
export const onBehalfSchema = z.strictObject({ reason: adminReason() });

/** Cancel a customer's subscription for them (now or at the end of the cycle). */
export const onBehalfCancelSchema = z.strictObject({
  when: z.enum(['now', 'period_end']),
  reason: adminReason(),
});

/** One customer in the lookup's answer. */
export interface CustomerMatch {
  id: string;
  email: string;
  name: string;
  phones: string[];
  subscriptions: number;
  liveSubscriptions: number;
  createdAt: string;
}
