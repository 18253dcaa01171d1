// The daily digest (docs/architecture.md#messages): one message listing the notifications of kinds marked `digest`
// (a roaster's new orders, admins' new tasks) instead of one mail each. A first version of its words; the catalog may
// register its own under the same name.
import type { NotificationCategory, RenderContext, RenderedMessage, Template } from './templates';

/** The digest's template name (the outbox row's `template`). */
export const DIGEST_TEMPLATE = 'digest';

/** One notification carried by a digest, rendered in the recipient's language when the digest was composed. */
export interface DigestItem {
  template: string;
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

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The digest message: a count in the subject, each item's subject and link in the body. */
export const digestTemplate: Template = {
  category: 'admin',
  render(payload: Record<string, unknown>, ctx: RenderContext): RenderedMessage {
    const p = payload as unknown as DigestPayload;
    const items = Array.isArray(p.items) ? p.items : [];
    const ko = ctx.locale === 'ko';
    const subject = ko
      ? `[달고나] ${p.day} 새 알림 ${items.length}건`
      : `[Dalgona] ${items.length} new notification${items.length === 1 ? '' : 's'} for ${p.day}`;
    const link = `${ctx.publicUrl}/`;
    const lines = items.map((i) => `- ${i.subject}${i.link ? `\n  ${i.link}` : ''}`);
    const greeting = ko ? `${ctx.name}님, 오늘의 알림입니다.` : `Hello ${ctx.name}, here is today's summary.`;
    const text = [greeting, '', ...lines, '', link].join('\n');
    const html = [
      `<p>${escapeHtml(greeting)}</p>`,
      '<ul>',
      ...items.map(
        (i) =>
          `<li>${i.link ? `<a href="${escapeHtml(i.link)}">${escapeHtml(i.subject)}</a>` : escapeHtml(i.subject)}</li>`,
      ),
      '</ul>',
    ].join('\n');
    const short = ko
      ? `[달고나] 새 알림 ${items.length}건 ${link}`
      : `[Dalgona] ${items.length} new notifications ${link}`;
    return { subject, text, html, short, link };
  },
};
