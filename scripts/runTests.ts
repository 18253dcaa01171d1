// `npm test [-- paths…]`: prepares the test database, the Temporal CLI, Chromium and the UI build, then runs
// every *.test.ts with node:test, one file at a time (each file starts its own Temporal dev server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../infra/config';
import { prepareSandboxDatabase } from '../payments/sandbox/db';
import { sandboxTestDbUrl } from '../test/sandbox';
import { checkServices, emptyDatabase, ensureUiBuilt, prepareDatabase, root } from './services';
import { ensureTemporalCli } from './temporal';
import { testDatabaseUrls } from './testEnv';

const say = (m: string) => console.log(`▸ ${m}`);
const SKIP = new Set(['node_modules', '.tools', '.data', '.cache', '.git', 'build', '.svelte-kit']);

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

function ensureChromium(): void {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    say('Installing Debian chromium for the browser tests…');
    spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit' });
  }
  if (!existsSync(path))
    say(`warning: no Chromium at ${path}; the browser tests will fail (apt-get install -y chromium)`);
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const nodeFlags = args.filter((a) => a.startsWith('-'));

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
await checkServices(redisUrl);
process.env.TEMPORAL_CLI = ensureTemporalCli(say);
const urls = testDatabaseUrls(process.env);
say('Test database: roles, database and migrations');
await prepareDatabase(urls.worker, urls.api);
await emptyDatabase(urls.worker);
await prepareSandboxDatabase(sandboxTestDbUrl());
await emptyDatabase(sandboxTestDbUrl());
loadConfig(); // fail fast on a bad .env before hundreds of tests do
let files = findTests(root).sort();
if (filters.length) files = files.filter((f) => filters.some((p) => f.startsWith(p.replace(/^\.\//, ''))));
if (files.some((f) => f.startsWith('test/e2e/'))) {
  ensureChromium();
  ensureUiBuilt(say);
}
say(`Running ${files.length} test files`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...nodeFlags, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
