import { notificationFailureCursor, notificationFailureQuerySchema } from '../../domain/notificationFailures';
import type { DeliveryChannel, NotificationFailurePage } from '../../domain/notifications';
import { route, type RouteDef } from '../route';

/** Notifications that could not be delivered (permanent failures), for admins (docs/architecture.md#messages). */
export function notificationFailureRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/admin/notifications/failures',
      summary: 'Notification deliveries that failed for good (newest first), and how many are still waiting',
      tag: 'notifications',
      access: 'admin',
      query: notificationFailureQuerySchema,
      async handler({ query, deps: { db } }): Promise<NotificationFailurePage> {
        const q = db('notification_deliveries as d')
          .join('users as u', 'u.id', 'd.recipient_user_id')
          .where('d.status', 'failed')
          .select(
            'd.id',
            'd.outbox_id',
            'd.channel',
            'd.template',
            'd.attempts',
            'd.last_error',
            'd.created_at',
            'd.failed_at',
            'u.id as user_id',
            'u.name as user_name',
            'u.email as user_email',
          )
          .orderBy([
            { column: 'd.failed_at', order: 'desc' },
            { column: 'd.id', order: 'desc' },
          ])
          .limit(query.limit + 1);
        if (query.channel) q.where('d.channel', query.channel);
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(d.failed_at, d.id) < (?::timestamptz, ?::bigint)', [at, id]);
        }
        const [rows, backlog] = await Promise.all([
          q as Promise<Record<string, unknown>[]>,
          db('notification_deliveries').whereIn('status', ['pending', 'sending']).count({ n: '*' }).first(),
        ]);
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return {
          failures: page.map((r) => ({
            id: Number(r.id),
            outboxId: Number(r.outboxId),
            channel: r.channel as DeliveryChannel,
            template: String(r.template),
            recipient: { id: String(r.userId), name: String(r.userName), email: String(r.userEmail) },
            attempts: Number(r.attempts),
            lastError: (r.lastError as string | null) ?? null,
            createdAt: (r.createdAt as Date).toISOString(),
            failedAt: (r.failedAt as Date).toISOString(),
          })),
          backlog: Number((backlog as { n?: number | string } | undefined)?.n ?? 0),
          nextCursor:
            rows.length > query.limit && last
              ? notificationFailureCursor.encode(last.failedAt as Date, String(last.id))
              : null,
        };
      },
    }),
  ];
}
