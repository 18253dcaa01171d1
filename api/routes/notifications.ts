import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Knex } from 'knex';
import {
  notificationSettingsHandle,
  startNotificationSettings,
} from '../../domain/contracts/notificationSettings';
import {
  alwaysOnCategories,
  defaultChannels,
  markReadSchema,
  notificationChannels,
  notificationListCursor,
  notificationListQuerySchema,
  optionalCategories,
  preferencesSchema,
  type NotificationItem,
  type NotificationPage,
  type NotificationPreferences,
  type NotificationSettingsInput,
  type NotificationSettingsResult,
  type UserLocale,
} from '../../domain/notificationCentre';
import { renderNotification, templateInfo } from '../../notifications/catalog';
import type { ApiContext, ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

// The notification centre (docs/architecture.md#messages): the signed-in user's own outbox rows, rendered in their
// language; read marks and channel choices are writes, so each is a notificationSettings workflow.

/** The digest is for mail: the centre already shows every notification it carries. */
const DIGEST = 'digest';

const mine = (db: Knex, userId: string) =>
  db('outbox').where({ recipientUserId: userId }).whereNot('template', DIGEST);

async function unreadCount(db: Knex, userId: string): Promise<number> {
  const row = (await mine(db, userId).whereNull('readAt').first(db.raw('count(*)::int as n'))) as {
    n: number;
  };
  return row.n;
}

async function reader(db: Knex, userId: string): Promise<{ locale: UserLocale; name: string }> {
  const row = (await db('users').where({ id: userId }).first('locale', 'name')) as
    { locale: UserLocale; name: string } | undefined;
  return { locale: row?.locale ?? 'ko', name: row?.name ?? '' };
}

/** One action of the user's, one at a time: a second one waits for the running one, then starts. */
async function runAction(
  deps: ApiDeps,
  input: NotificationSettingsInput,
): Promise<NotificationSettingsResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await startNotificationSettings(deps.temporal, deps.config.temporal, input)).result();
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 5) {
        throw fromTemporal(err);
      }
      await notificationSettingsHandle(deps.temporal, input.userId)
        .result()
        .catch(() => undefined);
    }
  }
}

const userOf = (ctx: ApiContext) => ctx.state.user!;

export function notificationRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/notifications',
      summary: "The signed-in user's notifications, newest first, in their language, paged",
      tag: 'notifications',
      access: 'user',
      query: notificationListQuerySchema,
      async handler({ ctx, query, deps: { db, config } }): Promise<NotificationPage> {
        const me = userOf(ctx);
        const q = mine(db, me.id)
          .orderBy([
            { column: 'createdAt', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(query.limit + 1)
          .select('id', 'template', 'payload', 'createdAt', 'readAt');
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(created_at, id) < (?::timestamptz, ?::bigint)', [at, id]);
        }
        const [rows, unread, who] = await Promise.all([
          q as Promise<
            {
              id: string;
              template: string;
              payload: Record<string, unknown>;
              createdAt: Date;
              readAt: Date | null;
            }[]
          >,
          unreadCount(db, me.id),
          reader(db, me.id),
        ]);
        const page = rows.slice(0, query.limit);
        const publicUrl = config.api.publicUrl.replace(/\/+$/, '');
        const items = page.map((r): NotificationItem => {
          const m = renderNotification(r.template, r.payload ?? {}, { ...who, publicUrl });
          return {
            id: Number(r.id),
            template: r.template,
            category: templateInfo(r.template).category,
            subject: m.subject,
            text: m.text,
            summary: m.summary ?? m.text,
            link: m.link,
            href: m.link?.startsWith(`${publicUrl}/`) ? m.link.slice(publicUrl.length) : m.link,
            createdAt: new Date(r.createdAt).toISOString(),
            read: r.readAt !== null,
          };
        });
        const last = page[page.length - 1];
        return {
          items,
          unread,
          nextCursor:
            rows.length > query.limit && last ? notificationListCursor.encode(last.createdAt, last.id) : null,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/notifications/unread',
      summary: "How many of the signed-in user's notifications are unread (the header's bell)",
      tag: 'notifications',
      access: 'user',
      async handler({ ctx, deps: { db } }) {
        return { count: await unreadCount(db, userOf(ctx).id) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/notifications/read',
      summary: 'Mark some of your notifications read ({ids}), or all of them ({all: true})',
      tag: 'notifications',
      access: 'user',
      body: markReadSchema,
      async handler({ ctx, body, deps }) {
        const userId = userOf(ctx).id;
        const { changed } = await runAction(deps, {
          userId,
          action:
            'all' in body
              ? { kind: 'markAllRead', upTo: new Date().toISOString() }
              : { kind: 'markRead', ids: body.ids },
        });
        return { marked: changed, unread: await unreadCount(deps.db, userId) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/notifications/preferences',
      summary:
        'Your channels for the optional kinds of message (delivery, subscription), your language and phone; payment and legal notices are always sent',
      tag: 'notifications',
      access: 'user',
      async handler({ ctx, deps: { db } }) {
        return preferencesOf(db, userOf(ctx).id);
      },
    }),
    route({
      method: 'PUT',
      path: '/api/notifications/preferences',
      summary: 'Save your channels for the optional kinds of message, your language and phone',
      tag: 'notifications',
      access: 'user',
      body: preferencesSchema,
      async handler({ ctx, body, deps }) {
        const userId = userOf(ctx).id;
        await runAction(deps, { userId, action: { kind: 'savePreferences', preferences: body } });
        return preferencesOf(deps.db, userId);
      },
    }),
  ];
}

/** The user's choices as the preferences page shows them (a switch never set is on). */
async function preferencesOf(
  db: Knex,
  userId: string,
): Promise<NotificationPreferences & { alwaysOn: string[] }> {
  const [user, rows] = await Promise.all([
    db('users').where({ id: userId }).first('locale', 'phone') as Promise<
      { locale: UserLocale; phone: string | null } | undefined
    >,
    db('notification_preferences').where({ userId }).select('category', 'channel', 'enabled') as Promise<
      { category: string; channel: string; enabled: boolean }[]
    >,
  ]);
  const channels = defaultChannels();
  for (const r of rows) {
    const category = optionalCategories.find((c) => c === r.category);
    const channel = notificationChannels.find((c) => c === r.channel);
    if (category && channel) channels[category][channel] = r.enabled;
  }
  return {
    channels,
    locale: user?.locale ?? 'ko',
    phone: user?.phone ?? null,
    alwaysOn: [...alwaysOnCategories],
  };
}
