// `npm run bench:catalog`: requests/s and latency of the catalog list and product detail at concurrency 100,
// side by side with a bare node:http server answering the same cached bytes; plus the storefront's JavaScript.
// Writes bench/results/catalog.json.
import autocannon from 'autocannon';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDb } from '../db/knex';
import { insertBenchPartner } from './burst';
import { root, prepareDatabase, ensureUiBuilt } from '../scripts/services';

const args = process.argv.slice(2);
const duration = Number(args[args.indexOf('--duration') + 1]) || 10;
const connections = 100;
const products = 500;
const benchUrls = {
  worker: 'postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/dalgona_bench',
  api: 'postgres://dalgona_api:dalgona_api@127.0.0.1:5432/dalgona_bench',
};

async function seedCatalog(): Promise<string> {
  await prepareDatabase(benchUrls.worker, benchUrls.api);
  const db = createDb(benchUrls.worker);
  try {
    const existing = await db('catalog_products').count('* as n').first();
    if (Number(existing?.n) >= products) return (await db('catalog_products').first('product_id')).productId;
    await db.transaction(async (trx) => {
      const userId = randomUUID();
      const partnerId = randomUUID();
      await insertBenchPartner(trx, {
        partnerId,
        userId,
        companyName: 'Bench Roasters',
        introduction: 'Benchmark partner for the catalog.',
      });
      const roasts = ['light', 'medium_light', 'medium', 'medium_dark', 'dark'];
      const countries = ['ET', 'KE', 'CO', 'BR', 'GT', 'PA', 'RW', 'ID'];
      for (let i = 0; i < products; i++) {
        const productId = randomUUID();
        const revisionId = randomUUID();
        const options = {
          weights: [
            { grams: 200, priceKrw: 12000 + (i % 40) * 500 },
            { grams: 500, priceKrw: 28000 + (i % 40) * 1000 },
          ],
          grinds: ['whole_bean', 'pour_over'],
          cycles: [1, 2, 4],
        };
        const rev = {
          name: `Bench bean ${i}`,
          description: 'A benchmark bean with a description of ordinary length for a product card.',
          originCountry: countries[i % countries.length],
          originRegion: 'Region',
          process: 'washed',
          roastLevel: roasts[i % roasts.length],
          tastingNotes: ['chocolate', 'caramel', 'orange'],
          capacityPerCycle: 100,
          imageId: 'a'.repeat(64),
        };
        await trx('products').insert({
          id: productId,
          partnerId,
          workflowId: `bench:${productId}`,
          status: 'published',
          liveRevisionId: revisionId,
          latestRevisionId: revisionId,
          publishedAt: trx.fn.now(),
        });
        await trx('product_revisions').insert({
          id: revisionId,
          productId,
          partnerId,
          number: 1,
          status: 'approved',
          ...rev,
          options: JSON.stringify(options),
        });
        await trx('catalog_products').insert({
          productId,
          revisionId,
          partnerId,
          partnerName: 'Bench Roasters',
          status: 'live',
          ...rev,
          options: JSON.stringify(options),
          minPrice: options.weights[0]!.priceKrw,
          maxPrice: options.weights[1]!.priceKrw,
          searchText: rev.name.toLowerCase(),
          publishedAt: new Date(Date.now() - i * 60_000),
        });
      }
    });
    return (await db('catalog_products').first('product_id')).productId;
  } finally {
    await db.destroy();
  }
}

// On a multi-core machine the servers get one core and the load generator another, so a server's figure is
// its own throughput, not a share of a core fought over with autocannon.
const pinned =
  cpus().length >= 2 &&
  spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;

function start(script: string, argv: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(join(root, script), argv, {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: script.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
    if (pinned && child.pid) spawnSync('taskset', ['-cp', '1', String(child.pid)], { stdio: 'ignore' });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
}

async function load(url: string): Promise<Figures> {
  await autocannon({ url, connections, duration: 2 }); // warm-up
  const r = await autocannon({ url, connections, duration });
  return {
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** Gzipped JavaScript the catalog page loads: SvelteKit's entry and app, the root layout and the `/` page node. */
function storefrontJs(): { catalog_page_gzip_kb: number; files: number } {
  ensureUiBuilt(() => undefined);
  const kit = join(root, 'ui', '.svelte-kit');
  const dir = join(kit, 'output', 'client');
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  // The generated app names each route's nodes, e.g. `"/": [2]` (node 0 is the root layout).
  const app = readFileSync(join(kit, 'generated', 'client-optimized', 'app.js'), 'utf8');
  const pageNode = /"\/":\s*\[(\d+)/.exec(app)?.[1];
  if (!pageNode) throw new Error('cannot find the catalog page node in the generated app');
  const roots = [
    '../node_modules/@sveltejs/kit/src/runtime/client/entry.js',
    '.svelte-kit/generated/client-optimized/app.js',
    '.svelte-kit/generated/client-optimized/nodes/0.js',
    `.svelte-kit/generated/client-optimized/nodes/${pageNode}.js`,
  ];
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imp of chunk.imports ?? []) visit(imp);
  };
  roots.forEach(visit);
  let bytes = 0;
  for (const file of files) bytes += gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  return { catalog_page_gzip_kb: Math.round((bytes / 1024) * 10) / 10, files: files.size };
}

const productId = await seedCatalog();
const env = {
  ...process.env,
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  DATABASE_URL: benchUrls.worker,
  API_DATABASE_URL: benchUrls.api,
  REDIS_KEY_PREFIX: `bench:${randomUUID().slice(0, 8)}:`,
  API_PORT: '3901',
  // Production refuses the development keys (the catalog never opens a billing key or a payload).
  BILLING_KEY_SECRETS: `bench:${randomBytes(32).toString('base64')}`,
  BILLING_KEY_ACTIVE: 'bench',
  PAYLOAD_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  PAYLOAD_KEY_ACTIVE: 'bench',
  WORKFLOW_ID_SECRET: randomBytes(32).toString('base64'),
  CODEC_TOKEN: randomBytes(32).toString('hex'),
};
const api = await start('bench/catalogServer.ts', [], env);
const listUrl = 'http://127.0.0.1:3901/api/catalog/products?sort=newest&limit=24';
const detailUrl = `http://127.0.0.1:3901/api/catalog/products/${productId}`;
// Facets counted under active filters (each facet without its own): the filter panel's request as a shopper narrows.
const facetsUrl = 'http://127.0.0.1:3901/api/catalog/facets?process=washed&origin=ET&maxPrice=30000';
const body = Buffer.from(await (await fetch(listUrl)).arrayBuffer());
mkdirSync(join(root, '.cache'), { recursive: true });
const bodyFile = join(root, '.cache', 'bench-catalog-list.json');
writeFileSync(bodyFile, body);
const bare = await start('bench/bareServer.mjs', ['3902', bodyFile], env);

try {
  console.log(
    `catalog bench: ${products} products, ${connections} connections, ${duration}s per run, list body ${body.length} bytes` +
      (pinned ? ', servers on core 1 and autocannon on core 0' : ''),
  );
  // Two interleaved rounds, each target's better run kept: the load generator shares these cores, and a
  // background hiccup should not decide the ratio.
  const best = (a: Figures, b: Figures) => (a.rps >= b.rps ? a : b);
  let bareFigures = await load('http://127.0.0.1:3902/');
  let list = await load(listUrl);
  let detail = await load(detailUrl);
  let facets = await load(facetsUrl);
  bareFigures = best(bareFigures, await load('http://127.0.0.1:3902/'));
  list = best(list, await load(listUrl));
  detail = best(detail, await load(detailUrl));
  facets = best(facets, await load(facetsUrl));
  const js = storefrontJs();
  const result = {
    date: new Date().toISOString(),
    connections,
    duration_s: duration,
    pinned_cores: pinned ? { load_generator: 0, servers: 1 } : null,
    products,
    list,
    detail,
    facets,
    bare: bareFigures,
    ratio: Math.round((list.rps / bareFigures.rps) * 100) / 100,
    detail_ratio: Math.round((detail.rps / bareFigures.rps) * 100) / 100,
    facets_ratio: Math.round((facets.rps / bareFigures.rps) * 100) / 100,
    storefront_js: js,
    targets: { ratio: 0.6, p99_ms: 10, catalog_page_gzip_kb: 80 },
  };
  const rows = [
    ['', 'req/s', 'p50 ms', 'p99 ms', 'vs bare'],
    ['bare node:http', bareFigures.rps, bareFigures.p50_ms, bareFigures.p99_ms, '1.00'],
    ['catalog list', list.rps, list.p50_ms, list.p99_ms, result.ratio.toFixed(2)],
    ['product detail', detail.rps, detail.p50_ms, detail.p99_ms, result.detail_ratio.toFixed(2)],
    ['filtered facets', facets.rps, facets.p50_ms, facets.p99_ms, result.facets_ratio.toFixed(2)],
  ];
  for (const r of rows) console.log(r.map((c, i) => String(c).padStart(i === 0 ? 16 : 9)).join(' '));
  console.log(
    `storefront JS for the catalog page: ${js.catalog_page_gzip_kb} KB gzipped (${js.files} files)`,
  );
  writeFileSync(join(root, 'bench', 'results', 'catalog.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  api.kill('SIGTERM');
  bare.kill('SIGTERM');
}
