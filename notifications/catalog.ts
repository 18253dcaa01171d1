import type { RenderContext, RenderedMessage, Template, TemplateInfo } from './templates';

// Every template by its name (the outbox row's `template`). Work in progress: templates are being written per event.

const won = (n: unknown) => `${Number(n).toLocaleString('ko-KR')}원`;

export const templates: Record<string, Template> = {
  payment_receipt: {
    category: 'payment',
    render(p, ctx) {
      const link = `${ctx.publicUrl}/me`;
      const subject =
        ctx.locale === 'ko'
          ? `[달고나] ${String(p.productName)} 결제 완료 ${won(p.amount)}`
          : `[Dalgona] Payment received for ${String(p.productName)}`;
      const text = `${subject}\n${link}`;
      return {
        subject,
        text,
        html: `<p>${subject}</p><p><a href="${link}">${link}</a></p>`,
        short: text,
        link,
      };
    },
  },
};

/** What the engine needs to know about a template; unknown names are treated as a plain subscription message. */
export function templateInfo(name: string): TemplateInfo {
  const t = templates[name];
  return t ? { category: t.category, ...(t.digest ? { digest: true } : {}) } : { category: 'subscription' };
}

export function renderNotification(
  name: string,
  payload: Record<string, unknown>,
  ctx: RenderContext,
): RenderedMessage {
  const t = templates[name];
  if (t) return t.render(payload, ctx);
  const subject = ctx.locale === 'ko' ? `[달고나] 알림` : `[Dalgona] Notification`;
  return { subject, text: subject, html: `<p>${subject}</p>`, short: subject, link: null };
}
