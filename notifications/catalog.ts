import { write } from './format';
import { accountTemplates } from './templates/account';
import { adminTemplates } from './templates/admin';
import { customerTemplates } from './templates/customer';
import { digestTemplate } from './templates/digest';
import { partnerTemplates } from './templates/partner';
import type { RenderContext, RenderedMessage, Template, TemplateInfo } from './templates';

// Every template by its name (the outbox row's `template`), one per event, Korean and English
// (docs/architecture.md#messages). The words live in templates/ by audience; format.ts writes each out as text, HTML
// mail and a short SMS text.

export const templates: Record<string, Template> = {
  ...customerTemplates,
  ...partnerTemplates,
  ...adminTemplates,
  ...accountTemplates,
};
templates.digest = digestTemplate((name) => (name === 'digest' ? undefined : templates[name]));

/** What the engine needs to know about a template; unknown names are treated as a plain subscription message. */
export function templateInfo(name: string): TemplateInfo {
  const t = Object.hasOwn(templates, name) ? templates[name] : undefined;
  return t ? { category: t.category, ...(t.digest ? { digest: true } : {}) } : { category: 'subscription' };
}

export function renderNotification(
  name: string,
  payload: Record<string, unknown>,
  ctx: RenderContext,
): RenderedMessage {
  const t = Object.hasOwn(templates, name) ? templates[name] : undefined;
  if (t) return t.render(payload, ctx);
  // A template this build does not know (a row written by a newer emitter): a plain notice, nothing of the payload.
  const ko = ctx.locale === 'ko';
  return write(
    {
      subject: ko ? '새 알림' : 'New notification',
      body: [ko ? '달고나에서 알림이 도착했습니다.' : 'You have a new notification from Dalgona.'],
      action: { label: ko ? '알림 열기' : 'Open notifications', url: `${ctx.publicUrl}/notifications` },
      short: ko ? '새 알림이 도착했습니다.' : 'You have a new notification.',
    },
    'subscription',
    ctx,
  );
}
