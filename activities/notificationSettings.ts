import type { NotificationPreferences, NotificationSettingsResult } from '../domain/notificationCentre';
import { notificationChannels, optionalCategories } from '../domain/notificationCentre';
import type { ActivityDeps } from './deps';

/** The notificationSettings workflow's activities: a user's read marks and channel choices. */
export function createNotificationSettingsActivities({ db }: ActivityDeps) {
  return {
    /**
     * Marks the user's own notifications read: the ids given, or every one created up to `upTo`. Idempotent: the
     * first read time is kept; someone else's ids change nothing.
     */
    async markNotificationsRead(input: {
      userId: string;
      ids?: number[];
      upTo?: string;
    }): Promise<NotificationSettingsResult> {
      const q = db('outbox').where({ recipientUserId: input.userId }).whereNull('readAt');
      if (input.ids) q.whereIn('id', input.ids);
      else if (input.upTo) q.where('createdAt', '<=', new Date(input.upTo));
      else return { changed: 0 };
      const changed = await q.update({ readAt: db.fn.now() });
      return { changed };
    },

    /**
     * Saves the user's channel choices for the optional categories, their language and phone, in one transaction.
     * Idempotent: it writes values, never toggles.
     */
    async saveNotificationPreferences(input: {
      userId: string;
      preferences: NotificationPreferences;
    }): Promise<NotificationSettingsResult> {
      const { channels, locale, phone } = input.preferences;
      return db.transaction(async (trx) => {
        const rows = optionalCategories.flatMap((category) =>
          notificationChannels.map((channel) => ({
            userId: input.userId,
            category,
            channel,
            enabled: channels[category][channel],
            updatedAt: trx.fn.now(),
          })),
        );
        await trx('notification_preferences')
          .insert(rows)
          .onConflict(['userId', 'category', 'channel'])
          .merge(['enabled', 'updatedAt']);
        await trx('users').where({ id: input.userId }).update({ locale, phone, updatedAt: trx.fn.now() });
        return { changed: rows.length };
      });
    },
  };
}
