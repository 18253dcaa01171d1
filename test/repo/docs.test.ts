// The architecture lives in the repository: code cites docs/architecture.md by anchor, never a document outside it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const DOC = 'docs/architecture.md';

/** Every tracked text file with its content (binary files, with a NUL byte, are skipped). */
function trackedTexts(): { path: string; text: string }[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
  const out: { path: string; text: string }[] = [];
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(root, path));
    } catch {
      continue; // deleted in the work tree, not yet committed
    }
    if (bytes.includes(0)) continue;
    out.push({ path, text: bytes.toString('utf8') });
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchors = () =>
  new Set(
    readFileSync(join(root, DOC), 'utf8')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

describe('docs/architecture.md', () => {
  it('has the sections code cites', () => {
    const have = anchors();
    for (const section of [
      'processes-and-the-rules',
      'workflows',
      'partner-approval',
      'product-publication',
      'subscription',
      'fulfilment',
      'settlement',
      'refunds',
      'payments',
      'payload-codec-and-operators',
      'read-models',
      'messages',
    ]) {
      assert.ok(have.has(section), `${DOC}#${section}`);
    }
  });

  it('resolves every anchor of docs/architecture.md that a tracked file cites', () => {
    const have = anchors();
    const broken: string[] = [];
    for (const { path, text } of trackedTexts()) {
      for (const m of text.matchAll(/architecture\.md#([\p{L}\p{N}_-]+)/gu)) {
        if (!have.has(m[1]!)) broken.push(`${path}: #${m[1]}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('is the only design document cited: no tracked file points outside the repository', () => {
    // Spelled in pieces, so this file does not match itself.
    const outside = ['DESIGN' + ' §', 'DESIGN' + '.md', '..' + '/shared'];
    const hits: string[] = [];
    for (const { path, text } of trackedTexts()) {
      text.split('\n').forEach((line, i) => {
        for (const needle of outside)
          if (line.includes(needle)) hits.push(`${path}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(hits, [], `cite docs/architecture.md#<section> instead:\n${hits.join('\n')}`);
  });
});
