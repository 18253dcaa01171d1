// One template per event, Korean and English (docs/architecture.md#messages). Pure: no I/O, no configuration read —
// the caller passes the locale and the public URL links are built on.

/** What a message is about; customers choose channels for the optional categories only. */
export type NotificationCategory =
  | 'legal' // price-change consent, terms: never switched off
  | 'account' // password reset, e-mail verification, password changed: never switched off, never digested
  | 'payment' // 결제 예정 · 완료 · 실패, refunds: never switched off
  | 'subscription' // 구독 시작 · 일시정지 · 재개 · 해지 confirmations
  | 'delivery' // 발송, 배송 완료, skipped deliveries (optional)
  | 'partner' // a roaster's applications, products, orders, statements
  | 'admin'; // inbox tasks and escalations

export type Locale = 'ko' | 'en';

/** A delivery channel besides the in-app notification centre, which always shows every notification. */
export type Channel = 'email' | 'kakao' | 'sms';

export interface RenderContext {
  locale: Locale;
  /** PUBLIC_URL, without a trailing slash; every link in a message is absolute. */
  publicUrl: string;
  /** The recipient's display name. */
  name: string;
}

export interface RenderedMessage {
  /** The mail subject and the notification centre's title. */
  subject: string;
  /** Plain-text body (mail text part, the notification centre's body). */
  text: string;
  /** HTML body of the mail. */
  html: string;
  /** A short text for SMS / 알림톡 (≤ 90 characters in Korean where possible, the link last). */
  short: string;
  /** The page the message points at (absolute), if any. */
  link: string | null;
  /** The message's sentences alone (no greeting, facts, links or footer): the notification centre's body. */
  summary?: string;
}

export interface TemplateInfo {
  category: NotificationCategory;
  /** Collected into one digest message instead of one mail each (the in-app centre shows each at once). */
  digest?: boolean;
}

export interface Template extends TemplateInfo {
  render(payload: Record<string, unknown>, ctx: RenderContext): RenderedMessage;
}
