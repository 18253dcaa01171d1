// The worker process as one plain ES module: our TypeScript bundled by esbuild (packages stay external and load
// from node_modules), so the process runs without tsx's loader thread and on-the-fly compiling — measured by
// `npm run bench:charge-burst`, the lighter process.
import { build } from 'esbuild';
import { join } from 'node:path';
import { root } from './services';

/** Builds `.cache/worker.mjs` (placed so that paths the code resolves from its own URL still find the repo). */
export async function buildWorker(): Promise<string> {
  const outfile = join(root, '.cache', 'worker.mjs');
  await build({
    entryPoints: [join(root, 'worker', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1]?.endsWith('buildWorker.ts')) console.log(`built ${await buildWorker()}`);
