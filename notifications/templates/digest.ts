// The digest (docs/architecture.md#messages): the notifier collects digest-kind notifications (a roaster's new orders
// of the day, the admins' new and overdue tasks) into one message; this writes its words. Each item is summarised by
// its own template's subject and link.
import { date, dateTime, externalUrl, str, write, type Payload } from '../format';
import type { RenderContext, RenderedMessage, Template } from '../templates';

/**
 * One carried notification: its template and payload (rendered here, in the digest's language), or already rendered
 * by the notifier when it composed the digest (subject and link).
 */
interface DigestItem {
  template: string;
  payload: Payload | null;
  subject: string | null;
  link: string | null;
  at: string | undefined;
}

function itemsOf(p: Payload): DigestItem[] {
  const raw = Array.isArray(p.items) ? (p.items as unknown[]) : [];
  return raw.flatMap((x) => {
    if (!x || typeof x !== 'object') return [];
    const r = x as Record<string, unknown>;
    if (typeof r.template !== 'string') return [];
    return [
      {
        template: r.template,
        payload: r.payload && typeof r.payload === 'object' ? (r.payload as Payload) : null,
        subject: str(r.subject) || null,
        link: str(r.link) || null,
        at: str(r.at ?? r.createdAt) || undefined,
      },
    ];
  });
}

/** The period the digest covers: its day, a string as given, or {from, to} as dates. */
function periodOf(p: Payload, locale: RenderContext['locale']): string {
  if (typeof p.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.day)) {
    // The day without its weekday: the subject already has parentheses.
    return date(`${p.day}T12:00:00+09:00`, locale)
      .replace(/ \(.\)$/, '')
      .replace(/^[A-Za-z]{3} /, '');
  }
  if (typeof p.period === 'string') return p.period;
  if (p.period && typeof p.period === 'object') {
    const { from, to } = p.period as Record<string, unknown>;
    if (from && to) {
      const [a, b] = [date(from, locale), date(to, locale)];
      return a === b ? a : `${a} – ${b}`;
    }
  }
  return '';
}

/** The digest template, summarising each item with the template it was written for. */
export function digestTemplate(lookup: (name: string) => Template | undefined): Template {
  return {
    category: 'partner',
    render(payload, ctx): RenderedMessage {
      const ko = ctx.locale === 'ko';
      const w = (k: string, e: string) => (ko ? k : e);
      const items = itemsOf(payload ?? {});
      const admin =
        payload?.category === 'admin' ||
        (items.length > 0 && items.every((i) => lookup(i.template)?.category === 'admin'));
      const orders = items.filter((i) => i.template === 'order_new').length;
      const allOrders = orders > 0 && orders === items.length;
      const period = periodOf(payload ?? {}, ctx.locale);
      const subject = admin
        ? w(
            `관리자 요약: 확인할 요청 ${items.length}건`,
            `Admin summary: ${items.length} task${items.length === 1 ? '' : 's'} to look at`,
          )
        : allOrders
          ? w(`새 주문 ${orders}건`, `${orders} new order${orders === 1 ? '' : 's'}`)
          : w(`알림 요약 ${items.length}건`, `${items.length} notifications`);
      const strip = (s: string) => s.replace(/^\[(달고나|Dalgona)\] /, '');
      const lines = items.map((i) => {
        const t = lookup(i.template);
        const r = t && i.payload ? t.render(i.payload, { ...ctx, name: '' }) : null;
        const subject = r ? r.subject : (i.subject ?? i.template);
        const hm = i.at ? /\d{2}:\d{2}$/.exec(dateTime(i.at, ctx.locale))?.[0] : undefined;
        return { text: `· ${strip(subject)}${hm ? ` (${hm})` : ''}`, link: r ? r.link : externalUrl(i.link) };
      });
      const action = admin
        ? { label: w('관리자 수신함 열기', 'Open the admin inbox'), url: `${ctx.publicUrl}/admin/inbox` }
        : orders > 0
          ? { label: w('주문 · 발송 열기', 'Open Orders'), url: `${ctx.publicUrl}/partner/orders` }
          : { label: w('알림 열기', 'Open notifications'), url: `${ctx.publicUrl}/notifications` };
      return write(
        {
          subject: period ? `${subject} (${period})` : subject,
          body: [
            admin
              ? w('새로 들어오거나 기한이 지난 요청입니다.', 'New tasks and tasks past their deadline.')
              : allOrders
                ? w('결제가 끝나 발송을 기다리는 새 주문입니다.', 'New paid orders waiting to be shipped.')
                : w('그동안 받은 알림입니다.', 'What happened meanwhile.'),
            ...lines.filter((l) => !l.link).map((l) => l.text),
          ],
          links: lines.flatMap((l) => (l.link ? [{ label: l.text, url: l.link }] : [])),
          action,
          short: subject,
        },
        admin ? 'admin' : 'partner',
        ctx,
      );
    },
  };
}
