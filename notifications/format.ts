// How every message is put together (docs/architecture.md#messages): one structure per message — a subject, a few
// sentences, labelled facts, the main link — written out as plain text, HTML mail and a short SMS text. Every payload
// value passes through `escapeHtml` on its way into the HTML; amounts read 18,000원, times are Asia/Seoul, 24-hour.
import type { NotificationCategory, RenderContext, RenderedMessage, Template } from './templates';

/** A link with its words. */
export interface Link {
  label: string;
  url: string;
}

/** One message before it is written out for a channel. */
export interface Message {
  /** The subject, without the brand prefix. */
  subject: string;
  /** Sentences, each a paragraph. */
  body: string[];
  /** Labelled values (상품, 금액, 결제일 …), shown as a small table. */
  facts?: [string, string][];
  /** The page the message points at: the notification centre's link and the mail's button. */
  action?: Link | null;
  /** Further links (the card receipt, the carrier's tracking page). */
  links?: Link[];
  /** The SMS / 알림톡 text, without the link (the main link is appended). */
  short: string;
}

/** The words a template writes: one function, the locale decides the language through `w`. */
export type Words = (p: Payload, ctx: WordsContext) => Message;

/** A payload as stored: anything may be missing in a row written by an older emitter. */
export type Payload = Record<string, unknown>;

export interface WordsContext extends RenderContext {
  /** Korean or English, by the recipient's locale. */
  w: (ko: string, en: string) => string;
  /** An absolute link on the app: `url('/me')`. */
  url: (path: string) => string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A payload value as text (missing: the fallback). */
export function str(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fallback;
}

/** A payload value as a number, or null. */
export function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Whole won as 18,000원 (Korean) or KRW 18,000 (English). */
export function won(value: unknown, locale: RenderContext['locale']): string {
  const n = num(value);
  if (n === null) return '—';
  const digits = Math.round(n).toLocaleString('en-US');
  return locale === 'ko' ? `${digits}원` : `KRW ${digits}`;
}

function validDate(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A date and time in Asia/Seoul, 24-hour: 2026년 12월 7일 (월) 09:00 · Mon 7 Dec 2026, 09:00. */
export function dateTime(value: unknown, locale: RenderContext['locale']): string {
  const d = validDate(value);
  if (!d) return '—';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
      timeZone: 'Asia/Seoul',
      year: 'numeric',
      month: locale === 'ko' ? 'numeric' : 'short',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  return locale === 'ko'
    ? `${parts.year}년 ${parts.month}월 ${parts.day}일 (${parts.weekday}) ${parts.hour}:${parts.minute}`
    : `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`;
}

/** A calendar date in Asia/Seoul: 2026년 12월 7일 (월) · Mon 7 Dec 2026. */
export function date(value: unknown, locale: RenderContext['locale']): string {
  const full = dateTime(value, locale);
  return full === '—' ? full : full.replace(/,? \d{2}:\d{2}$/, '');
}

const BRAND = { ko: '[달고나]', en: '[Dalgona]' };

const FOOTER = {
  ko: '달고나 · 동네 로스터리의 원두 정기구독. 이 메일은 발신 전용입니다.',
  en: 'Dalgona · coffee-bean subscriptions from local roasters. This address does not receive replies.',
};

const ALWAYS_SENT = {
  ko: '결제·법적 고지는 수신 설정과 관계없이 보내 드립니다.',
  en: 'Payment and legal notices are sent whatever your notification settings.',
};

const SETTINGS = { ko: '알림 설정', en: 'Notification settings' };

/** Writes a message out for every channel. */
export function write(m: Message, category: NotificationCategory, ctx: RenderContext): RenderedMessage {
  const ko = ctx.locale === 'ko';
  const subject = `${ko ? BRAND.ko : BRAND.en} ${m.subject}`;
  const link = m.action?.url ?? null;
  const links = [...(m.action ? [m.action] : []), ...(m.links ?? [])];
  const settingsUrl = `${ctx.publicUrl}/notifications`;
  const always = category === 'payment' || category === 'legal';
  const greeting = ctx.name ? (ko ? `${ctx.name}님, 안녕하세요.` : `Hello ${ctx.name},`) : '';

  const text = [
    ...(greeting ? [greeting, ''] : []),
    ...m.body,
    ...(m.facts?.length ? ['', ...m.facts.map(([k, v]) => `${k}: ${v}`)] : []),
    ...(links.length ? ['', ...links.map((l) => `${l.label}: ${l.url}`)] : []),
    '',
    '—',
    ko ? FOOTER.ko : FOOTER.en,
    ...(always ? [ko ? ALWAYS_SENT.ko : ALWAYS_SENT.en] : []),
    `${ko ? SETTINGS.ko : SETTINGS.en}: ${settingsUrl}`,
  ].join('\n');

  const e = escapeHtml;
  const button = (l: Link) =>
    `<p style="margin:24px 0"><a href="${e(l.url)}" style="display:inline-block;background:#3b2314;color:#fff8ee;` +
    `padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:700">${e(l.label)}</a></p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${ko ? 'ko' : 'en'}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f6f1ea;color:#2a1a10;font-family:-apple-system,' +
      "'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif;font-size:16px;line-height:1.6;" +
      'word-break:keep-all">',
    `<div role="article" aria-label="${e(subject)}" style="max-width:560px;margin:0 auto;padding:24px;` +
      'background:#ffffff">',
    `<p style="margin:0 0 16px;font-weight:800;color:#3b2314">${ko ? '달고나' : 'Dalgona'}</p>`,
    `<h1 style="font-size:20px;line-height:1.4;margin:0 0 16px">${e(m.subject)}</h1>`,
    ...(greeting ? [`<p>${e(greeting)}</p>`] : []),
    ...m.body.map((s) => `<p>${e(s)}</p>`),
    ...(m.facts?.length
      ? [
          '<table role="presentation" style="border-collapse:collapse;width:100%;margin:16px 0">',
          ...m.facts.map(
            ([k, v]) =>
              `<tr><th scope="row" style="text-align:left;padding:6px 12px 6px 0;color:#5a4636;font-weight:600;` +
              `white-space:nowrap;vertical-align:top">${e(k)}</th><td style="padding:6px 0">${e(v)}</td></tr>`,
          ),
          '</table>',
        ]
      : []),
    ...(m.action ? [button(m.action)] : []),
    ...(m.links ?? []).map((l) => `<p><a href="${e(l.url)}" style="color:#7a3e12">${e(l.label)}</a></p>`),
    '<hr style="border:0;border-top:1px solid #e4d9cc;margin:24px 0">',
    `<p style="font-size:13px;color:#5a4636">${e(ko ? FOOTER.ko : FOOTER.en)}` +
      (always ? `<br>${e(ko ? ALWAYS_SENT.ko : ALWAYS_SENT.en)}` : '') +
      `<br><a href="${e(settingsUrl)}" style="color:#7a3e12">${e(ko ? SETTINGS.ko : SETTINGS.en)}</a></p>`,
    '</div></body></html>',
  ].join('\n');

  const short = `${ko ? BRAND.ko : BRAND.en} ${m.short}${link ? ` ${link}` : ''}`;
  return { subject, text, html, short, link, summary: m.body.join('\n') };
}

/** A template from its category and words. */
export function template(
  category: NotificationCategory,
  words: Words,
  opts: { digest?: boolean } = {},
): Template {
  return {
    category,
    ...(opts.digest ? { digest: true } : {}),
    render(payload, ctx) {
      const w = (ko: string, en: string) => (ctx.locale === 'ko' ? ko : en);
      const url = (path: string) => `${ctx.publicUrl}${path}`;
      return write(words(payload ?? {}, { ...ctx, w, url }), category, ctx);
    },
  };
}

/** A path segment from a payload id (nothing but what an id can hold). */
export function idPart(value: unknown): string {
  return encodeURIComponent(str(value));
}

/** A link to a URL the payload carries, only if it is http(s) (a receipt page). */
export function externalUrl(value: unknown): string | null {
  const s = str(value);
  return /^https?:\/\/[^\s<>"']+$/i.test(s) ? s : null;
}
