// The notifier's pure types and rules (docs/architecture.md#messages): no I/O, imported by the workflow, the
// activities, the API and the UI.

/** A delivery channel besides the in-app notification centre (same names as notifications/templates.ts). */
export type DeliveryChannel = 'email' | 'kakao' | 'sms';

/** Where one channel's delivery of one notification stands. */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** How the notifier delivers; every duration comes from the configuration (NOTIFY_*). */
export interface DeliverySettings {
  /** Outbox rows planned and deliveries claimed per round. */
  batchSize: number;
  /** Sends in flight at once per round. */
  concurrency: number;
  /** How often an idle notifier looks for due work. */
  pollIntervalMs: number;
  /** How long a claim is held: a delivery still `sending` after it has an unknown outcome and is due again. */
  leaseMs: number;
  /** The waits after a transient failure (attempt 1, 2, …); one more failure than steps is permanent. */
  retryLadderMs: number[];
}

/** The notifier workflow's input (and what its `settings` signal carries). */
export interface NotifierInput {
  settings: DeliverySettings;
  /** How long one delivery activity runs (batch after batch) before it returns to the workflow. */
  activitySpanMs: number;
  /** The delivery activity's heartbeat timeout: how soon a dead worker's rounds are taken over. */
  heartbeatTimeoutMs: number;
  /** Delivery activities running side by side (each claims its own batches). */
  lanes: number;
  /** Rounds already done by earlier runs (carried over continue-as-new; informational). */
  roundsBefore?: number;
}

/** What one delivery activity did. */
export interface DeliverRoundResult {
  planned: number;
  sent: number;
  retried: number;
  failed: number;
}

/** The digest Schedule's run: compose one digest per recipient from the rows waiting for it. */
export interface NotificationDigestInput {
  /** The calendar the digest's day is named in (Asia/Seoul). */
  timezone: string;
  /** Compose as of this instant (tests; otherwise the Schedule's scheduled time, else the start time). */
  asOf?: string;
}

export interface NotificationDigestResult {
  day: string;
  digests: number;
  items: number;
}

/** The digest Schedule's id in the Temporal UI (Schedules); each run is `notificationDigest-<scheduled time>`. */
export const NOTIFICATION_DIGEST_SCHEDULE_ID = 'notificationDigest';

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(at: Date, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The digest's dedupe key: one digest per recipient and day, however often the Schedule fires. */
export const digestDedupeKey = (userId: string, day: string) => `digest:${userId}:${day}`;

/** The stable idempotency key of one notification on one channel (SMTP Message-ID, SOLAPI customFields). */
export const deliveryKey = (outboxId: number, channel: DeliveryChannel) => `${outboxId}.${channel}`;

/** When a delivery that failed transiently on attempt `attempts` is tried again, or null: it has failed for good. */
export function nextAttemptDelay(attempts: number, ladderMs: readonly number[]): number | null {
  return attempts >= 1 && attempts <= ladderMs.length ? ladderMs[attempts - 1]! : null;
}

/** A permanently failed delivery as admins see it (GET /api/admin/notifications/failures). */
export interface NotificationFailure {
  id: number;
  outboxId: number;
  channel: DeliveryChannel;
  template: string;
  recipient: { id: string; name: string; email: string };
  attempts: number;
  lastError: string | null;
  createdAt: string;
  failedAt: string;
}

export interface NotificationFailurePage {
  failures: NotificationFailure[];
  /** Deliveries still waiting (pending or being sent), for the same screen. */
  backlog: number;
  nextCursor: string | null;
}

/** Categories whose messages go out whatever the recipient's preferences (legal notices, payments). */
const ALWAYS_SENT = new Set(['legal', 'payment', 'account']);

/**
 * The channels one notification goes out on (besides the in-app centre, which shows every one). E-mail by default;
 * a phone message (알림톡 where Kakao approved the template, else SMS) when the recipient has a phone and SOLAPI is
 * configured. For categories other than legal and payment, a channel the recipient switched off is not used.
 */
export function chooseChannels(input: {
  category: string;
  /** The recipient's choices for this category (absent: the default). */
  preferences: Partial<Record<DeliveryChannel, boolean>>;
  phone: string | null;
  /** SOLAPI is configured; `kakao`: an approved 알림톡 template exists for this template. */
  solapi: { kakao: boolean } | null;
}): DeliveryChannel[] {
  const forced = ALWAYS_SENT.has(input.category);
  const wants = (c: DeliveryChannel) => forced || input.preferences[c] !== false;
  const out: DeliveryChannel[] = [];
  if (wants('email')) out.push('email');
  if (input.solapi && input.phone) {
    if (input.solapi.kakao && wants('kakao')) out.push('kakao');
    else if (wants('sms')) out.push('sms');
  }
  return out;
}
