// What the notifier asks of the templates: a template's category (and whether it waits for the digest) and its
// rendering. The catalog holds every event's template; the digest's first version lives beside the engine until the
// catalog registers its own under the same name.
import { renderNotification, templateInfo } from './catalog';
import { DIGEST_TEMPLATE, digestTemplate, type DigestPayload } from './digest';
import type { RenderContext, RenderedMessage, TemplateInfo } from './templates';

/** The template's category and digest flag; a digest takes the category of what it carries. */
export function infoFor(template: string, payload: Record<string, unknown> | null): TemplateInfo {
  if (template !== DIGEST_TEMPLATE) return templateInfo(template);
  return { category: (payload as Partial<DigestPayload> | null)?.category ?? digestTemplate.category };
}

/** The message in the recipient's language, links absolute. */
export function renderFor(
  template: string,
  payload: Record<string, unknown>,
  ctx: RenderContext,
): RenderedMessage {
  return template === DIGEST_TEMPLATE
    ? digestTemplate.render(payload, ctx)
    : renderNotification(template, payload, ctx);
}
