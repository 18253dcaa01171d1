import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotificationSettingsWorkflow } from '../domain/contracts/notificationSettings';
import type { NotificationSettingsInput, NotificationSettingsResult } from '../domain/notificationCentre';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** A user marks notifications read or saves their channel choices (docs/architecture.md#messages). */
export async function notificationSettings(
  input: NotificationSettingsInput,
): Promise<NotificationSettingsResult> {
  const { userId, action } = input;
  switch (action.kind) {
    case 'markRead':
      return acts.markNotificationsRead({ userId, ids: action.ids });
    case 'markAllRead':
      return acts.markNotificationsRead({ userId, upTo: action.upTo });
    case 'savePreferences':
      return acts.saveNotificationPreferences({ userId, preferences: action.preferences });
  }
}
notificationSettings satisfies NotificationSettingsWorkflow;
