// Starting the API or the worker with a bad setting, or with a service it needs out of reach, ends the process at
// once with a non-zero code and one clear line naming the setting to fix: no stack trace, no hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabaseUrls } from '../../scripts/testEnv';
import { startProcess } from './processes';

const urls = testDatabaseUrls(process.env);
// Everything valid; each case breaks one thing. Nothing listens on port 1.
const base: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'error',
  DATABASE_URL: urls.worker,
  API_DATABASE_URL: urls.api,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  API_HOST: '127.0.0.1',
  API_PORT: '0',
  WORKER_METRICS_ADDRESS: 'off',
  WORKER_BUSINESS_METRICS_ADDRESS: 'off',
};

async function run(script: string, env: Record<string, string>) {
  const proc = startProcess(script, { ...base, ...env });
  const { code } = await proc.exited;
  return { code, stderr: proc.stderr() };
}

const noStackTrace = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at /m, `a stack trace: ${stderr}`);

describe('fail fast at start-up', { timeout: 120_000 }, () => {
  it('a malformed setting: exit 78 naming it (API and worker)', async () => {
    const api = await run('api/main.ts', { DATABASE_URL: 'nope' });
    assert.equal(api.code, 78, api.stderr);
    assert.match(api.stderr, /Invalid configuration:\n\s+DATABASE_URL: /);
    noStackTrace(api.stderr);
    const worker = await run('worker/main.ts', { PAYLOAD_KEYS: 'k1:not-a-key' });
    assert.equal(worker.code, 78, worker.stderr);
    assert.match(worker.stderr, /PAYLOAD_KEYS/);
    noStackTrace(worker.stderr);
  });

  it('PostgreSQL out of reach: exit 69 naming the setting, the password masked', async () => {
    const api = await run('api/main.ts', {
      API_DATABASE_URL: 'postgres://dalgona_api:hunter2secret@127.0.0.1:1/dalgona',
    });
    assert.equal(api.code, 69, api.stderr);
    assert.match(
      api.stderr,
      /Cannot reach PostgreSQL at postgres:\/\/dalgona_api:\*\*\*@127\.0\.0\.1:1\/dalgona \(API_DATABASE_URL\): .*ECONNREFUSED/,
    );
    assert.ok(!api.stderr.includes('hunter2secret'));
    noStackTrace(api.stderr);
    const worker = await run('worker/main.ts', {
      DATABASE_URL: 'postgres://dalgona_worker:x@127.0.0.1:1/dalgona',
    });
    assert.equal(worker.code, 69, worker.stderr);
    assert.match(worker.stderr, /Cannot reach PostgreSQL at .* \(DATABASE_URL\)/);
    noStackTrace(worker.stderr);
  });

  it('Temporal out of reach: exit 69 naming TEMPORAL_ADDRESS (API and worker)', async () => {
    for (const script of ['api/main.ts', 'worker/main.ts']) {
      const { code, stderr } = await run(script, {});
      assert.equal(code, 69, `${script}: ${stderr}`);
      assert.match(stderr, /Cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS\): /, script);
      noStackTrace(stderr);
    }
  });
});
