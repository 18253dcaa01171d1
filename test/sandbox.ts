// The Toss sandbox for tests: in-process on a random port, on its own test database.
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminUrl, ensureDatabase } from '../db/setup';
import { createSandboxApp, type Faults } from '../payments/sandbox/app';
import { createSandboxDb, migrateSandbox } from '../payments/sandbox/db';
import type { TrafficStats } from '../payments/sandbox/traffic';
import type { Knex } from 'knex';

export const TEST_SECRET_KEY = 'test_sk_dalgona_tests_0000000000';
export const sandboxTestDbUrl = () =>
  process.env.TEST_SANDBOX_DATABASE_URL ??
  'postgres://toss_sandbox:toss_sandbox@127.0.0.1:5432/toss_sandbox_test';

export interface Sandbox {
  url: string;
  db: Knex;
  server: Server;
  setFaults(faults: Partial<Faults>): Promise<void>;
  /** What the sandbox charged (its ledger) and every attempt, optionally for one order. */
  charges(query?: Record<string, string>): Promise<{
    payments: { order_id: string; payment_key: string; status: string }[];
    attempts: { order_id: string; outcome: string }[];
  }>;
  /** A one-time authKey for a card, as if the customer had used the card window. */
  authKey(customerKey: string, cardNumber?: string): Promise<string>;
  /** Requests to /v1 and the most per second since the last reset (`reset: true` starts counting afresh). */
  traffic(opts?: { reset?: boolean }): Promise<TrafficStats>;
  stop(): Promise<void>;
}

let prepared: Promise<void> | null = null;

export async function startSandbox(opts: { hangMs?: number; port?: number } = {}): Promise<Sandbox> {
  prepared ??= (async () => {
    await ensureDatabase(adminUrl(), sandboxTestDbUrl());
    const db = createSandboxDb(sandboxTestDbUrl());
    await migrateSandbox(db);
    await db.destroy();
  })();
  await prepared;
  const db = createSandboxDb(sandboxTestDbUrl());
  // Listen first: the sandbox's pages and SDK script need the address browsers reach it at.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', createSandboxApp({ db, publicUrl: url, hangMs: opts.hangMs ?? 3000 }).app.callback());
  const auth = `Basic ${Buffer.from(`${TEST_SECRET_KEY}:`).toString('base64')}`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the sandbox's test routes
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  // Faults live in the shared test database: start every sandbox clean.
  await call('POST', '/sandbox/faults', {});
  return {
    url,
    db,
    server,
    async setFaults(faults) {
      await call('POST', '/sandbox/faults', faults);
    },
    charges(query = {}) {
      return call('GET', `/sandbox/charges?${new URLSearchParams(query)}`);
    },
    async authKey(customerKey, cardNumber = '4330123412341234') {
      return (await call('POST', '/sandbox/auth-keys', { customerKey, cardNumber })).authKey;
    },
    traffic(opts = {}) {
      return opts.reset ? call('POST', '/sandbox/stats/reset') : call('GET', '/sandbox/stats');
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.destroy();
    },
  };
}
