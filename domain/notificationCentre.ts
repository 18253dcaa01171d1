// The in-app notification centre (docs/architecture.md#messages): the list, the unread count, read marks and each
// user's channel choices. Schemas for the API, types shared with the UI; no I/O.
import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';

/** Categories a customer may switch channels off for; legal and payment notices always go out. */
export const optionalCategories = ['delivery', 'subscription'] as const;
export type OptionalCategory = (typeof optionalCategories)[number];
/** Shown as always on, not switchable. */
export const alwaysOnCategories = ['payment', 'legal'] as const;

/** Channels besides the notification centre (which shows every notification). */
export const notificationChannels = ['email', 'kakao', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/** The language messages are written in (users.locale). */
export const locales = ['ko', 'en'] as const;
export type UserLocale = (typeof locales)[number];

/** The list's order: newest first (created_at, then id). */
export const notificationListCursor = keysetCursor(cursorParts.timestamp, cursorParts.int8);

export const notificationListQuerySchema = z.strictObject({
  cursor: notificationListCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type NotificationListQuery = z.infer<typeof notificationListQuerySchema>;

const outboxId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Mark some notifications read (ids from the list), or every one. */
export const markReadSchema = z.union([
  z.strictObject({ ids: z.array(outboxId).min(1).max(100) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type MarkReadBody = z.infer<typeof markReadSchema>;

/** A Korean mobile number for 알림톡 / SMS, written as digits (010-1234-5678 → 01012345678). */
const phoneSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^01[016789]\d{7,8}$/, 'invalid_phone'));

/** Channel switches per optional category. */
export type ChannelChoices = Record<OptionalCategory, Record<NotificationChannel, boolean>>;

const channelSwitches = z.strictObject({ email: z.boolean(), kakao: z.boolean(), sms: z.boolean() });

export const preferencesSchema = z.strictObject({
  channels: z.strictObject({ delivery: channelSwitches, subscription: channelSwitches }),
  locale: z.enum(locales),
  /** null: no phone (e-mail only). */
  phone: phoneSchema.nullable(),
});
export type NotificationPreferences = z.infer<typeof preferencesSchema>;

/** Every switch on: what a user who never chose gets (the notifier reads a missing row as on). */
export function defaultChannels(): ChannelChoices {
  const on = { email: true, kakao: true, sms: true };
  return { delivery: { ...on }, subscription: { ...on } };
}

/** One notification as the centre lists it, rendered in the user's language. */
export interface NotificationItem {
  id: number;
  template: string;
  category: string;
  subject: string;
  /** The whole message as plain text (what the mail says). */
  text: string;
  /** Its sentences alone, for the list. */
  summary: string;
  /** The absolute link the message carries. */
  link: string | null;
  /** Where the app opens it: a path on this site, or the external page (a carrier's tracking page). */
  href: string | null;
  createdAt: string;
  read: boolean;
}

export interface NotificationPage {
  items: NotificationItem[];
  nextCursor: string | null;
  unread: number;
}

/** What the notificationSettings workflow does for a user: one write per start. */
export type NotificationSettingsAction =
  | { kind: 'markRead'; ids: number[] }
  /** Every notification created up to `upTo` (the moment the user asked: one arriving later stays unread). */
  | { kind: 'markAllRead'; upTo: string }
  | { kind: 'savePreferences'; preferences: NotificationPreferences };

/** Input of the `notificationSettings` workflow. */
export interface NotificationSettingsInput {
  userId: string;
  action: NotificationSettingsAction;
}

/** How many rows the action changed (notifications marked read, preference rows written). */
export interface NotificationSettingsResult {
  changed: number;
}
