// The admins' list of notifications that could not be delivered (docs/architecture.md#messages): its query and cursor.
import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';

/** Newest failure first: (failed at, delivery id). */
export const notificationFailureCursor = keysetCursor(cursorParts.timestamp, cursorParts.int8);

export const notificationFailureQuerySchema = z.strictObject({
  channel: z.enum(['email', 'kakao', 'sms']).optional(),
  cursor: notificationFailureCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type NotificationFailureQuery = z.infer<typeof notificationFailureQuerySchema>;
