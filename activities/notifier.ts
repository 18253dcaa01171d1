import { Context, heartbeat } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  chooseChannels,
  dayIn,
  deliveryKey,
  digestDedupeKey,
  nextAttemptDelay,
  type DeliverRoundResult,
  type DeliveryChannel,
  type DeliverySettings,
  type NotificationDigestInput,
  type NotificationDigestResult,
} from '../domain/notifications';
import { DeliveryError, type OutgoingMessage } from '../notifications/channels';
import { DIGEST_TEMPLATE, type DigestItem, type DigestPayload } from '../notifications/digest';
import { infoFor, renderFor } from '../notifications/render';
import type { Locale, NotificationCategory } from '../notifications/templates';
import type { ActivityDeps } from './deps';
import { withOpenedToken } from './account';
import { enqueueNotification } from './outbox';

/** One claimed delivery, with what it takes to render and send it. */
interface Claim {
  id: number;
  outboxId: number;
  channel: DeliveryChannel;
  key: string;
  attempts: number;
  template: string;
  /** The claim this one replaced was still `sending`: the last attempt's outcome is unknown. */
  unknownOutcome: boolean;
  previousAttemptAt: Date | null;
  payload: Record<string, unknown>;
  name: string;
  email: string;
  phone: string | null;
  locale: Locale;
}

/** Plans up to `limit` new outbox rows: their channels (preferences, phone, SOLAPI) or the digest. */
export async function planOutbox(deps: Pick<ActivityDeps, 'db' | 'notify'>, limit: number): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const rows = (
      await trx.raw(
        `SELECT o.id, o.template, o.recipient_user_id AS "userId", u.phone, u.deleted_at IS NOT NULL AS deleted,
                CASE WHEN o.template = ? THEN o.payload END AS payload
           FROM outbox o LEFT JOIN users u ON u.id = o.recipient_user_id
          WHERE o.planned_at IS NULL ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED`,
        [DIGEST_TEMPLATE, limit],
      )
    ).rows as {
      id: number;
      template: string;
      userId: string | null;
      phone: string | null;
      deleted: boolean;
      payload: Record<string, unknown> | null;
    }[];
    if (rows.length === 0) return 0;
    const userIds = [...new Set(rows.map((r) => r.userId).filter((u): u is string => !!u))];
    const prefs = (await trx('notification_preferences').whereIn('userId', userIds)) as {
      userId: string;
      category: string;
      channel: DeliveryChannel;
      enabled: boolean;
    }[];
    const deliveries: Record<string, unknown>[] = [];
    const digestIds: number[] = [];
    const settledIds: number[] = [];
    for (const r of rows) {
      const info = infoFor(r.template, r.payload);
      if (!r.userId || r.deleted) {
        // Addressed to nobody (a role with no members when it was written), or to a deleted account.
        settledIds.push(r.id);
        continue;
      }
      if (info.digest) {
        digestIds.push(r.id);
        continue;
      }
      const preferences: Partial<Record<DeliveryChannel, boolean>> = {};
      for (const p of prefs)
        if (p.userId === r.userId && p.category === info.category) preferences[p.channel] = p.enabled;
      const solapi = deps.notify.solapi;
      const channels = chooseChannels({
        category: info.category,
        preferences,
        phone: r.phone,
        solapi: solapi
          ? { kakao: !!solapi.kakaoTemplates[r.template] && !!deps.notify.channels.kakao }
          : null,
      }).filter((c) => deps.notify.channels[c]);
      if (channels.length === 0) settledIds.push(r.id);
      for (const channel of channels) {
        deliveries.push({
          outboxId: r.id,
          channel,
          recipientUserId: r.userId,
          template: r.template,
          idempotencyKey: deliveryKey(r.id, channel),
        });
      }
    }
    if (deliveries.length > 0)
      await trx('notification_deliveries').insert(deliveries).onConflict(['outboxId', 'channel']).ignore();
    const ids = rows.map((r) => r.id);
    await trx('outbox').whereIn('id', ids).update({ plannedAt: trx.fn.now() });
    if (digestIds.length > 0) await trx('outbox').whereIn('id', digestIds).update({ digest: true });
    if (settledIds.length > 0) await trx('outbox').whereIn('id', settledIds).update({ sentAt: trx.fn.now() });
    return rows.length;
  });
}

/**
 * Claims up to `limit` due deliveries for `leaseMs` (FOR UPDATE SKIP LOCKED: two notifiers never take the same
 * one). A claim is the row in `sending` with `next_attempt_at` at the lease's end: if its holder dies, the row is due
 * again then, and the next claim knows the last attempt's outcome is unknown.
 */
export async function claimDue(db: Knex, limit: number, leaseMs: number, token: string): Promise<Claim[]> {
  const rows = (
    await db.raw(
      `WITH due AS (
         SELECT id, status, attempt_started_at FROM notification_deliveries
          WHERE status IN ('pending','sending') AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
       UPDATE notification_deliveries d
          SET status = 'sending', attempts = d.attempts + 1, lease_token = ?, attempt_started_at = now(),
              next_attempt_at = now() + ? * interval '1 millisecond'
         FROM due, outbox o, users u
        WHERE d.id = due.id AND o.id = d.outbox_id AND u.id = d.recipient_user_id
       RETURNING d.id, d.outbox_id AS "outboxId", d.channel, d.idempotency_key AS key, d.attempts, d.template,
                 due.status = 'sending' AS "unknownOutcome", due.attempt_started_at AS "previousAttemptAt",
                 o.payload, u.name, u.email, u.phone, u.locale`,
      [limit, token, leaseMs],
    )
  ).rows as Claim[];
  return rows;
}

/** The address a channel sends to, or null (no phone any more). */
function addressOf(c: Claim): string | null {
  return c.channel === 'email' ? c.email : c.phone;
}

type Outcome = 'sent' | 'retried' | 'failed';

/**
 * Renders and sends one claimed delivery and records the outcome, unless the claim was lost meanwhile (a record
 * only lands while `lease_token` is still ours).
 */
async function deliverOne(
  deps: Pick<ActivityDeps, 'db' | 'notify' | 'log' | 'metrics'> & Partial<Pick<ActivityDeps, 'secrets'>>,
  settings: DeliverySettings,
  token: string,
  c: Claim,
): Promise<Outcome> {
  const { db, notify, log } = deps;
  const mine = () => db('notification_deliveries').where({ id: c.id, leaseToken: token });
  const channel = notify.channels[c.channel];
  let providerId: string;
  try {
    if (!channel) throw new DeliveryError(`channel ${c.channel} is not configured`, true);
    const to = addressOf(c);
    if (!to) throw new DeliveryError(`no ${c.channel === 'email' ? 'e-mail address' : 'phone number'}`, true);
    let rendered;
    try {
      // An account mail's link is sealed in the outbox; it is opened only here, to be sent.
      rendered = renderFor(c.template, withOpenedToken(c.payload, deps.secrets), {
        locale: c.locale,
        publicUrl: notify.publicUrl,
        name: c.name,
      });
    } catch (err) {
      throw new DeliveryError(`template ${c.template}: ${(err as Error).message}`, true);
    }
    const message: OutgoingMessage = {
      key: c.key,
      template: c.template,
      to,
      name: c.name,
      message: rendered,
    };
    // After an unknown outcome, a channel that can tell is asked first; SMTP cannot: the same Message-ID goes again.
    const already =
      c.unknownOutcome && channel.findSent
        ? await channel.findSent(message, new Date((c.previousAttemptAt?.getTime() ?? Date.now()) - 60_000))
        : null;
    providerId = already ?? (await channel.send(message)).providerId;
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false);
    const delay = e.permanent ? null : nextAttemptDelay(c.attempts, settings.retryLadderMs);
    const updated =
      delay === null
        ? await mine().update({
            status: 'failed',
            failedAt: db.fn.now(),
            lastError: e.message.slice(0, 1000),
            leaseToken: null,
          })
        : await mine().update({
            status: 'pending',
            nextAttemptAt: db.raw(`now() + ? * interval '1 millisecond'`, [delay]),
            lastError: e.message.slice(0, 1000),
            leaseToken: null,
          });
    if (updated === 0)
      log.warn({ delivery: c.id }, 'notification: claim lost before the failure was recorded');
    if (delay === null) log.warn({ delivery: c.id, err: e.message }, 'notification failed permanently');
    return delay === null ? 'failed' : 'retried';
  }
  const updated = await mine().update({
    status: 'sent',
    sentAt: db.fn.now(),
    providerId: providerId.slice(0, 300),
    lastError: null,
    leaseToken: null,
  });
  if (updated === 0) log.warn({ delivery: c.id }, 'notification: claim lost before the send was recorded');
  return 'sent';
}

/** Gives claims back that were never started (the activity is stopping): due again at once, attempt not counted. */
async function release(db: Knex, token: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db('notification_deliveries')
    .whereIn('id', ids)
    .where({ leaseToken: token })
    .update({
      status: 'pending',
      attempts: db.raw('attempts - 1'),
      nextAttemptAt: db.fn.now(),
      leaseToken: null,
    });
}

/** Marks notifications whose every delivery has settled (sent or failed) as sent. */
async function settleOutbox(db: Knex, outboxIds: number[]): Promise<void> {
  if (outboxIds.length === 0) return;
  await db.raw(
    `UPDATE outbox o SET sent_at = now()
      WHERE o.id = ANY(?) AND o.sent_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM notification_deliveries d
                         WHERE d.outbox_id = o.id AND d.status IN ('pending','sending'))`,
    [outboxIds],
  );
}

/** One round: plan new rows, claim due deliveries, send them `concurrency` at a time, record each outcome. */
export async function deliverRound(
  deps: Pick<ActivityDeps, 'db' | 'notify' | 'log' | 'metrics'> & Partial<Pick<ActivityDeps, 'secrets'>>,
  settings: DeliverySettings,
  stopping: () => boolean = () => false,
): Promise<DeliverRoundResult> {
  const result: DeliverRoundResult = { planned: 0, sent: 0, retried: 0, failed: 0 };
  result.planned = await planOutbox(deps, settings.batchSize);
  const token = randomUUID();
  const claims = await claimDue(deps.db, settings.batchSize, settings.leaseMs, token);
  let next = 0;
  const unstarted: number[] = [];
  const lane = async () => {
    while (next < claims.length) {
      const c = claims[next++]!;
      if (stopping()) {
        unstarted.push(c.id);
        continue;
      }
      const outcome = await deliverOne(deps, settings, token, c);
      result[outcome] += 1;
      deps.metrics.notifications.inc({ channel: c.channel, outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, claims.length) }, lane));
  await release(deps.db, token, unstarted);
  await settleOutbox(deps.db, [...new Set(claims.map((c) => c.outboxId))]);
  return result;
}

/** Composes one digest per recipient from the rows waiting for it (see composeDigests). */
async function composeDigestsAt(
  deps: Pick<ActivityDeps, 'db' | 'notify'>,
  asOf: Date,
  timezone: string,
): Promise<NotificationDigestResult> {
  const { db, notify } = deps;
  // Rows not yet planned may be digest rows: plan them first so none waits a day longer than it has to.
  while ((await planOutbox(deps, 500)) > 0);
  const day = dayIn(asOf, timezone);
  const recipients = (await db('outbox')
    .where({ digest: true })
    .whereNull('digestedInto')
    .where('createdAt', '<=', asOf)
    .distinct('recipientUserId')) as { recipientUserId: string }[];
  let digests = 0;
  let items = 0;
  for (const { recipientUserId } of recipients) {
    await db.transaction(async (trx) => {
      const user = (await trx('users').where({ id: recipientUserId }).first('locale', 'name')) as
        { locale: Locale; name: string } | undefined;
      const rows = (await trx('outbox')
        .where({ digest: true, recipientUserId })
        .whereNull('digestedInto')
        .where('createdAt', '<=', asOf)
        .orderBy('id')
        .forUpdate()
        .skipLocked()
        .select('id', 'template', 'payload', 'createdAt')) as {
        id: number;
        template: string;
        payload: Record<string, unknown>;
        createdAt: Date;
      }[];
      if (!user || rows.length === 0) return;
      const ctx = { locale: user.locale, publicUrl: notify.publicUrl, name: user.name };
      const list: DigestItem[] = rows.map((r) => {
        const m = renderFor(r.template, r.payload, ctx);
        return {
          template: r.template,
          payload: r.payload,
          subject: m.subject,
          link: m.link,
          at: r.createdAt.toISOString(),
        };
      });
      const categories = new Set(rows.map((r) => infoFor(r.template, r.payload).category));
      const category: NotificationCategory = categories.size === 1 ? [...categories][0]! : 'admin';
      const payload: DigestPayload = { day, category, items: list };
      const dedupeKey = digestDedupeKey(recipientUserId, day);
      // A digest for this day already went out (a re-fired Schedule): these rows wait for tomorrow's.
      if (await trx('outbox').where({ dedupeKey }).first('id')) return;
      await enqueueNotification(trx, {
        dedupeKey,
        recipientUserId,
        template: DIGEST_TEMPLATE,
        payload: payload as unknown as Record<string, unknown>,
      });
      const digest = (await trx('outbox').where({ dedupeKey }).first('id')) as { id: number };
      await trx('outbox')
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({ digestedInto: digest.id, sentAt: trx.fn.now() });
      digests += 1;
      items += rows.length;
    });
  }
  return { day, digests, items };
}

/** A promise resolved when the signal is aborted, and the clean-up that removes its listener. */
function whenAborted(signal: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  let wake = () => {};
  const promise = new Promise<void>((resolve) => (wake = resolve));
  signal.addEventListener('abort', wake, { once: true });
  if (signal.aborted) wake();
  return { promise, dispose: () => signal.removeEventListener('abort', wake) };
}

/** The notifier's activities (docs/architecture.md#messages): the outbox delivered on its own task queue. */
export function createNotifierActivities(deps: ActivityDeps) {
  return {
    /**
     * Delivers the outbox for `spanMs`: round after round (plan, claim, send, record), waiting `pollIntervalMs`
     * when there is nothing due, heartbeating between rounds. Idempotent: each delivery is claimed under a lease
     * and recorded only while the claim holds; a stopping worker finishes the sends in flight and gives the rest
     * back. A notification is sent at least once per channel, under one idempotency key.
     */
    async deliverNotifications(input: {
      settings: DeliverySettings;
      spanMs: number;
    }): Promise<DeliverRoundResult> {
      const ctx = Context.current();
      const total: DeliverRoundResult = { planned: 0, sent: 0, retried: 0, failed: 0 };
      const deadline = Date.now() + input.spanMs;
      // Cancelled (the workflow ended, a timeout) or this worker draining: finish the sends in flight, stop.
      const stopping = () => ctx.cancellationSignal.aborted || deps.notify.stopping.aborted;
      const draining = whenAborted(deps.notify.stopping); // one listener per call, raced by every idle wait
      // Heartbeats go on while a round waits on a slow relay, so only a dead worker misses them.
      const beat = setInterval(() => heartbeat(total), Math.max(200, input.settings.pollIntervalMs));
      try {
        while (Date.now() < deadline && !stopping()) {
          heartbeat(total);
          const r = await deliverRound(deps, input.settings, stopping);
          total.planned += r.planned;
          total.sent += r.sent;
          total.retried += r.retried;
          total.failed += r.failed;
          if (r.planned === 0 && r.sent + r.retried + r.failed === 0) {
            try {
              await Promise.race([
                ctx.sleep(Math.min(input.settings.pollIntervalMs, Math.max(0, deadline - Date.now()))),
                draining.promise,
              ]);
            } catch {
              break; // cancelled
            }
          }
        }
      } finally {
        clearInterval(beat);
        draining.dispose();
      }
      // A draining worker returns what it did: the workflow's next call goes to a worker still running.
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
      return total;
    },

    /**
     * Composes today's digest for each recipient with rows waiting for one (templates marked `digest`): one
     * `digest` notification per recipient and day (dedupe key `digest:<user>:<YYYY-MM-DD>` in the Schedule's time
     * zone), delivered like any other; each row is marked with the digest that carried it in the same
     * transaction. Idempotent: a re-run finds the rows carried, and a second digest for the same day is never made.
     */
    async composeDigests(
      input: NotificationDigestInput & { asOf: string },
    ): Promise<NotificationDigestResult> {
      return composeDigestsAt(deps, new Date(input.asOf), input.timezone);
    },
  };
}
