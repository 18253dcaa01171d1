import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const workflowsPath = join(root, 'workflows', 'index.ts');

/** Every workflow-side source under `dir`, subfolders included (domain/contracts/ is bundled too). */
async function hashSources(hash: ReturnType<typeof createHash>, dir: string): Promise<void> {
  for (const entry of (await readdir(join(root, dir), { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await hashSources(hash, path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      hash.update(path).update(await readFile(join(root, path)));
  }
}

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['workflows', 'domain']) await hashSources(hash, dir);
  const lock = join(root, 'package-lock.json');
  if ((await stat(lock).catch(() => null))?.isFile()) hash.update(await readFile(lock));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle, built once and cached in `.cache/` keyed by the workflow sources, so every worker
 * and test file after the first starts in a second instead of re-running webpack.
 */
export async function getWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const dir = join(root, '.cache');
  const file = join(dir, `workflow-bundle-${await sourcesHash()}.json`);
  const cached = await readFile(file, 'utf8').catch(() => null);
  if (cached) return JSON.parse(cached) as WorkflowBundleWithSourceMap;
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  await mkdir(dir, { recursive: true });
  await writeFile(`${file}.${process.pid}`, JSON.stringify(bundle));
  await rename(`${file}.${process.pid}`, file);
  // Bundles of older sources (a few MB each) are dropped, keeping the newest few for other checkouts' tests.
  const old = (await readdir(dir)).filter((n) => /^workflow-bundle-[0-9a-f]{16}\.json$/.test(n));
  const dated = await Promise.all(old.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  for (const { n } of dated.sort((a, b) => b.t - a.t).slice(4))
    await unlink(join(dir, n)).catch(() => undefined);
  return bundle;
}

const noop = () => undefined;
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: console.warn,
  error: console.error,
  log: noop,
};
