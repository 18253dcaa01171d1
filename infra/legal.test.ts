import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { legalDocSlugs } from '../domain/legal';
import { createLegalLibrary, parseLegalDocument, renderMarkdown, safeHref } from './legal';

const front = (extra = '') =>
  `---\ntitle: 이용약관\nversion: 2026-12-07\neffective: 2026-12-07\n${extra}---\n`;

/** A LEGAL_DIR with the shipped documents copied in. */
function shippedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'legal-'));
  for (const slug of legalDocSlugs)
    writeFileSync(join(dir, `${slug}.ko.md`), readFileSync(join('legal', `${slug}.ko.md`)));
  return dir;
}

describe('legal documents: Markdown an operator edits can never inject script', () => {
  it('shows raw HTML as text, block and inline', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\nHello <img src=x onerror=alert(1)> and <b onclick="x()">bold</b>\n\n<iframe src="//evil"></iframe>',
    );
    assert.doesNotMatch(html, /<script|<img|<iframe|<b /i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('keeps http(s), mailto, tel and our own links; drops javascript:, data:, vbscript: and other sites by //', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'jav&#x61;script:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      '//evil.example',
      '/\\evil.example',
    ]) {
      assert.equal(safeHref(bad), null, bad);
      const html = renderMarkdown(`[click](${bad})`);
      assert.doesNotMatch(html, /<a /, `${bad} → ${html}`);
      assert.match(html, /click/);
    }
    assert.match(renderMarkdown('[약관](/terms)'), /<a href="\/terms">약관<\/a>/);
    assert.match(
      renderMarkdown('[Toss](https://toss.im "x\\"y")'),
      /href="https:\/\/toss.im" title="x&quot;y" rel=/,
    );
    assert.match(renderMarkdown('<mailto:privacy@dalgona.local>'), /href="mailto:privacy@dalgona.local"/);
    assert.match(renderMarkdown('[전화](tel:02-123-4567)'), /href="tel:02-123-4567"/);
  });

  it('embeds no image, only its alt text', () => {
    const html = renderMarkdown('![로고 <b>](https://evil.example/x.png)');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /로고/);
  });

  it('reads the front matter: title, version with the digest of the text, effective date, template flag', () => {
    const doc = parseLegalDocument('terms', `${front('template: true\n')}# 제목\n\n본문`, 'terms.ko.md');
    assert.equal(doc.title, '이용약관');
    assert.match(doc.version, /^2026-12-07\+[0-9a-f]{10}$/);
    assert.equal(doc.effectiveDate, '2026-12-07');
    assert.equal(doc.template, true);
    assert.match(doc.html, /<h1>제목<\/h1>/);
    // The same version with other words is another version: a consent names the exact text.
    const edited = parseLegalDocument('terms', `${front('template: true\n')}# 제목\n\n본문!`, 'terms.ko.md');
    assert.notEqual(edited.version, doc.version);
    assert.ok(edited.version.startsWith('2026-12-07+'));
  });

  it('refuses a file without a front matter, a version or a date, naming the file', () => {
    assert.throws(
      () => parseLegalDocument('terms', '# no front matter', 'x/terms.ko.md'),
      /x\/terms\.ko\.md/,
    );
    assert.throws(
      () => parseLegalDocument('terms', '---\ntitle: t\neffective: 2026-12-07\n---\n', 'f'),
      /version/,
    );
    assert.throws(() => parseLegalDocument('terms', '---\ntitle: t\nversion: 1\n---\n', 'f'), /effective/);
    assert.throws(() => parseLegalDocument('terms', `${front('template: maybe\n')}x`, 'f'), /template/);
  });

  it('ships three templates marked as such, each with the banner', () => {
    const lib = createLegalLibrary('legal');
    assert.deepEqual(
      lib.list().map((d) => [d.slug, d.template]),
      [
        ['terms', true],
        ['privacy', true],
        ['refund', true],
      ],
    );
    for (const slug of legalDocSlugs) assert.match(lib.get(slug).html, /템플릿 — 운영자가 수정해야 합니다/);
    assert.match(lib.get('terms').html, /통신판매중개자/);
  });

  it('fails fast on a missing file; picks up an edit; keeps the last good version when an edit is broken', () => {
    assert.throws(() => createLegalLibrary(mkdtempSync(join(tmpdir(), 'empty-'))), /terms\.ko\.md: missing/);
    const dir = shippedCopy();
    const errors: string[] = [];
    const lib = createLegalLibrary(dir, (e) => errors.push(e.message));
    const before = lib.versions().refund;
    const file = join(dir, 'refund.ko.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n\n## 6. 추가 조항\n`);
    const after = lib.versions().refund;
    assert.notEqual(after, before);
    assert.match(lib.get('refund').html, /추가 조항/);
    writeFileSync(file, 'broken: no front matter at all, and longer than before so the size changes');
    assert.equal(lib.versions().refund, after);
    assert.match(errors[0] ?? '', /front matter/);
  });
});
