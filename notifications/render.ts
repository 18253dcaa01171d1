// What the notifier asks of the templates (notifications/catalog.ts): a template's category (and whether it waits for
// the digest) and its rendering. A digest takes the category of what it carries, so preferences apply to it too.
import { renderNotification, templateInfo } from './catalog';
import { DIGEST_TEMPLATE, type DigestPayload } from './digest';
import type { RenderContext, RenderedMessage, TemplateInfo } from './templates';

/** The template's category and digest flag. */
export function infoFor(template: string, payload: Record<string, unknown> | null): TemplateInfo {
  const info = templateInfo(template);
  if (template !== DIGEST_TEMPLATE) return info;
  return { category: (payload as Partial<DigestPayload> | null)?.category ?? info.category };
}

/** The message in the recipient's language, links absolute. */
export function renderFor(
  template: string,
  payload: Record<string, unknown>,
  ctx: RenderContext,
): RenderedMessage {
  return renderNotification(template, payload, ctx);
}
