// The operator's legal documents (docs/architecture.md#terms-and-consents): Markdown files in LEGAL_DIR with a front
// matter, rendered to HTML on the server by our own renderer: raw HTML in a file is shown as text, links go only to
// http(s), mailto, tel or our own pages, images are not embedded — so an edited file can never inject script.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Marked, type Tokens } from 'marked';
import {
  legalDocSlugs,
  type LegalDocSlug,
  type LegalDocument,
  type LegalDocumentMeta,
} from '../domain/legal';

/** A document file that is missing or malformed: the message names the file and what to fix. */
export class LegalDocumentError extends Error {
  override name = 'LegalDocumentError';
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A link target we let through, or null: http(s), mailto and tel, our own absolute paths and in-page anchors. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(?:https?:\/\/|mailto:|tel:)/i.test(h)) return h;
  // `//host` and `/\host` are another site to a browser.
  if (/^\/(?![/\\])/.test(h) || h.startsWith('#')) return h;
  return null;
}

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link) {
      const inner = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      if (href === null) return inner;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      const external = /^https?:/i.test(href) ? ' rel="noopener noreferrer"' : '';
      return `<a href="${escapeHtml(href)}"${title}${external}>${inner}</a>`;
    },
    image({ text }: Tokens.Image) {
      return escapeHtml(text);
    },
  },
});

/** Markdown → HTML as above (exported for the tests). */
export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** Parses one document file's text; `file` names it in errors. */
export function parseLegalDocument(slug: LegalDocSlug, text: string, file: string): LegalDocument {
  const m = FRONT_MATTER.exec(text);
  if (!m) throw new LegalDocumentError(`${file}: starts without a front matter (---, title:, version:, ---)`);
  const fields: Record<string, string> = {};
  for (const line of m[1]!.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const kv = /^([a-z_]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!kv) throw new LegalDocumentError(`${file}: front matter line "${line}" is not "key: value"`);
    fields[kv[1]!] = kv[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  const title = fields.title ?? '';
  const version = fields.version ?? '';
  const effective = fields.effective ?? '';
  if (!title) throw new LegalDocumentError(`${file}: the front matter needs a title`);
  if (!/^[\w.-]{1,40}$/.test(version))
    throw new LegalDocumentError(
      `${file}: the front matter needs a version like 2026-12-07 (letters, digits, . - _)`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effective))
    throw new LegalDocumentError(`${file}: the front matter needs an effective date like 2026-12-07`);
  if (fields.template !== undefined && !['true', 'false'].includes(fields.template))
    throw new LegalDocumentError(`${file}: template must be true or false`);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 10);
  return {
    slug,
    title,
    version: `${version}+${digest}`,
    effectiveDate: effective,
    template: fields.template === 'true',
    html: renderMarkdown(text.slice(m[0].length)),
  };
}

/** The documents in force, read from LEGAL_DIR and read again when a file changes. */
export interface LegalLibrary {
  readonly dir: string;
  /** Every document without its text (the footer, the consent forms). */
  list(): LegalDocumentMeta[];
  get(slug: LegalDocSlug): LegalDocument;
  /** The version of each document in force, which a posted consent must name. */
  versions(): Record<LegalDocSlug, string>;
}

const fileOf = (dir: string, slug: LegalDocSlug) => join(dir, `${slug}.ko.md`);

/**
 * Loads every document now (throws LegalDocumentError naming a missing or malformed file), then re-reads a file when
 * its modification time or size changes; a file saved broken keeps the last good version in force (`onError` says so).
 */
export function createLegalLibrary(
  dir: string,
  onError: (err: Error) => void = () => undefined,
): LegalLibrary {
  const cache = new Map<LegalDocSlug, { stamp: string; doc: LegalDocument }>();
  const load = (slug: LegalDocSlug, strict: boolean): LegalDocument => {
    const file = fileOf(dir, slug);
    let stamp: string;
    try {
      const s = statSync(file);
      stamp = `${s.mtimeMs}:${s.size}`;
    } catch {
      const err = new LegalDocumentError(`${file}: missing (LEGAL_DIR=${dir} must hold ${slug}.ko.md)`);
      const last = cache.get(slug);
      if (strict || !last) throw err;
      onError(err);
      return last.doc;
    }
    const hit = cache.get(slug);
    if (hit?.stamp === stamp) return hit.doc;
    try {
      const doc = parseLegalDocument(slug, readFileSync(file, 'utf8'), file);
      cache.set(slug, { stamp, doc });
      return doc;
    } catch (err) {
      if (strict || !hit) throw err;
      onError(err as Error);
      return hit.doc;
    }
  };
  for (const slug of legalDocSlugs) load(slug, true);
  const meta = ({ html: _html, ...m }: LegalDocument): LegalDocumentMeta => m;
  return {
    dir,
    list: () => legalDocSlugs.map((s) => meta(load(s, false))),
    get: (slug) => load(slug, false),
    versions: () =>
      Object.fromEntries(legalDocSlugs.map((s) => [s, load(s, false).version])) as Record<
        LegalDocSlug,
        string
      >,
  };
}

const libraries = new Map<string, LegalLibrary>();

/** The process's library for a directory (made once; the API's routes share it). */
export function legalLibrary(dir: string, onError?: (err: Error) => void): LegalLibrary {
  let lib = libraries.get(dir);
  if (!lib) {
    lib = createLegalLibrary(dir, onError);
    libraries.set(dir, lib);
  }
  return lib;
}
