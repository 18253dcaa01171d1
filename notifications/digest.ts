// The daily digest's payload (docs/architecture.md#messages): what the notifier's composeDigests writes and the
// catalog's `digest` template (notifications/templates/digest.ts) renders.
import type { NotificationCategory } from './templates';

/** The digest's template name (the outbox row's `template`). */
export const DIGEST_TEMPLATE = 'digest';

/** One notification carried by a digest: its template and payload, and its subject and link as first rendered. */
export interface DigestItem {
  template: string;
  payload: Record<string, unknown>;
  subject: string;
  link: string | null;
  /** When the notification was recorded (ISO). */
  at: string;
}

/** The digest's payload. */
export interface DigestPayload {
  /** The day (YYYY-MM-DD, Asia/Seoul) the digest is for. */
  day: string;
  /** The category the carried notifications share (preferences apply to it), `admin` when mixed. */
  category: NotificationCategory;
  items: DigestItem[];
}
