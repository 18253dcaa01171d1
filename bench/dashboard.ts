// `npm run bench:dashboard`: p50 / p99 and requests/s of the partner sales dashboard (GET /api/partner/dashboard)
// at concurrency 20, with 1,000,000 payments and 50,000 subscriptions across 200 partners in the bench database —
// side by side, in the same run, with the same figures computed by a naive aggregate over the raw tables (payments,
// refunds, subscriptions) served by a bare node:http server with the same pool size. Requests rotate over several
// partners and the three ranges (30 days, 12 weeks, 12 months). Writes bench/results/dashboard.json.
//
// `--duration <s>` (default 10) per run; `BENCH_DATABASE` names the database (default dalgona_bench).
import autocannon from 'autocannon';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type Knex } from '../db/knex';
import { buildDashboardReadModels } from '../db/migrations/20261125000003_dashboard';
import {
  bucketStarts,
  bucketUnit,
  dashboardRanges,
  mondayOf,
  type DashboardRange,
} from '../domain/dashboard';
import { seoulDate } from '../domain/calendar';
import { hashPassword } from '../infra/passwords';
import { emptyDatabase, prepareDatabase, root } from '../scripts/services';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const duration = Number(arg('duration')) || 10;
const connections = 20;
const POOL = 20; // the API's pool in bench/catalogServer.ts, and the naive server's
const SIZE = {
  partners: 200,
  productsPerPartner: 5,
  customers: 30_000,
  subscriptions: 50_000,
  payments: 1_000_000,
};
const ROTATE = 8; // partners whose sessions the load rotates over
const PASSWORD = 'bench-dashboard-1';
const database = process.env.BENCH_DATABASE ?? 'dalgona_bench';
const urls = {
  worker: `postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/${database}`,
  api: `postgres://dalgona_api:dalgona_api@127.0.0.1:5432/${database}`,
};

/** The naive variant: every figure of the dashboard, aggregated from the raw tables on each request. */
async function naiveDashboard(db: Knex, partnerId: string, range: DashboardRange) {
  const now = new Date();
  const from = bucketStarts(range, now)[0]!;
  const today = seoulDate(now);
  const { rows } = await db.raw(
    `WITH bounds AS (SELECT (?::date)::timestamp AT TIME ZONE 'Asia/Seoul' AS from_ts,
                            (?::date)::timestamp AT TIME ZONE 'Asia/Seoul' AS week_ts, ?::timestamptz AS now)
     SELECT
      (SELECT json_agg(b) FROM (
         SELECT date_trunc(?, d)::date AS start, sum(gross) AS gross, sum(refunds) AS refunds, sum(orders) AS orders
           FROM (SELECT (approved_at AT TIME ZONE 'Asia/Seoul')::date AS d, amount AS gross, 0 AS refunds, 1 AS orders
                   FROM payments, bounds WHERE partner_id = ? AND approved_at >= bounds.from_ts
                 UNION ALL
                 SELECT (r.done_at AT TIME ZONE 'Asia/Seoul')::date, 0, r.amount, 0
                   FROM refunds r JOIN payments p ON p.id = r.payment_id, bounds
                  WHERE p.partner_id = ? AND r.status = 'done' AND r.done_at >= bounds.from_ts) e
          GROUP BY 1 ORDER BY 1) b) AS series,
      (SELECT json_build_object(
                'started', count(*) FILTER (WHERE status NOT IN ('connecting', 'card_failed')
                                              AND started_at >= bounds.from_ts),
                'canceled', count(*) FILTER (WHERE status = 'canceled' AND canceled_at >= bounds.from_ts),
                'active', count(*) FILTER (WHERE status IN ('active', 'past_due')),
                'pastDue', count(*) FILTER (WHERE status = 'past_due'),
                'paused', count(*) FILTER (WHERE status = 'paused'),
                'suspended', count(*) FILTER (WHERE status = 'suspended'))
         FROM subscriptions, bounds WHERE partner_id = ?) AS subscribers,
      (SELECT json_build_object(
                'count7', count(*) FILTER (WHERE next_charge_at < bounds.now + interval '7 days'),
                'amount7', coalesce(sum(amount) FILTER (WHERE next_charge_at < bounds.now + interval '7 days'), 0),
                'count30', count(*), 'amount30', coalesce(sum(amount), 0))
         FROM subscriptions, bounds
        WHERE partner_id = ? AND status = 'active' AND NOT cancel_at_period_end
          AND next_charge_at >= bounds.now AND next_charge_at < bounds.now + interval '30 days') AS upcoming,
      (SELECT json_build_object('count', count(*), 'overdue', count(*) FILTER (WHERE ship_by < bounds.now))
         FROM fulfilment_orders, bounds WHERE partner_id = ? AND status IN ('to_roast', 'roasted')) AS to_ship,
      (SELECT (SELECT coalesce(sum(amount), 0) FROM payments, bounds
                WHERE partner_id = ? AND approved_at >= bounds.week_ts)
            - (SELECT coalesce(sum(r.amount), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id, bounds
                WHERE p.partner_id = ? AND r.status = 'done' AND r.done_at >= bounds.week_ts)) AS settlement,
      (SELECT json_agg(t) FROM (
         SELECT p.product_id, sum(p.amount) - sum(p.refunded_amount) AS net, count(*) AS orders
           FROM payments p WHERE p.partner_id = ? GROUP BY 1 ORDER BY net DESC LIMIT 5) t) AS top_products`,
    [
      from,
      mondayOf(today),
      now.toISOString(),
      bucketUnit(range),
      partnerId,
      partnerId,
      partnerId,
      partnerId,
      partnerId,
      partnerId,
      partnerId,
      partnerId,
    ],
  );
  return rows[0];
}

/** Seeds the bench database with set-based SQL (minutes of workflows would prove nothing here). */
async function seed(db: Knex): Promise<void> {
  const count = Number((await db('payments').count('* as n').first())?.n ?? 0);
  const partners = Number((await db('partners').count('* as n').first())?.n ?? 0);
  if (count === SIZE.payments && partners === SIZE.partners) {
    console.log('bench database already seeded: reusing it');
    return;
  }
  await emptyDatabase(urls.worker);
  const started = Date.now();
  const hash = await hashPassword(PASSWORD);
  const id = (kind: string, i: string) => `md5('${kind}' || ${i})::uuid`;
  await db.transaction(async (trx) => {
    await trx.raw(
      `INSERT INTO users (id, email, name, password_hash, roles)
       SELECT ${id('u', 'i')}, 'bench-partner-' || i || '@example.com', '로스터 ' || i, ?, '{customer,partner}'
         FROM generate_series(0, ? - 1) i`,
      [hash, SIZE.partners],
    );
    await trx.raw(
      `INSERT INTO users (id, email, name, password_hash)
       SELECT ${id('c', 'i')}, 'bench-customer-' || i || '@example.com', '고객 ' || i, 'x'
         FROM generate_series(0, ? - 1) i`,
      [SIZE.customers],
    );
    await trx.raw(
      `INSERT INTO users (id, email, name, password_hash, roles)
       VALUES (${id('admin', "''")}, 'bench-admin@example.com', 'admin', 'x', '{customer,admin}')`,
    );
    const fields = `'Bench Roasters ' || i, lpad(i::text, 10, '0'), '대표', '010-0000-0000',
                    'b' || i || '@example.com', 'Seoul', 'KB', '123-456', 'A benchmark roaster.'`;
    await trx.raw(
      `INSERT INTO partner_applications (id, applicant_id, workflow_id, status, company_name, business_number,
         representative, phone, email, address, bank_name, bank_account, introduction)
       SELECT ${id('a', 'i')}, ${id('u', 'i')}, 'bench', 'approved', ${fields} FROM generate_series(0, ? - 1) i`,
      [SIZE.partners],
    );
    await trx.raw(
      `INSERT INTO partners (id, user_id, application_id, company_name, business_number, representative, phone,
         email, address, bank_name, bank_account, introduction, approved_at)
       SELECT ${id('p', 'i')}, ${id('u', 'i')}, ${id('a', 'i')}, ${fields}, now() - interval '400 days'
         FROM generate_series(0, ? - 1) i`,
      [SIZE.partners],
    );
    await trx.raw(
      `INSERT INTO products (id, partner_id, workflow_id, status, published_at)
       SELECT ${id('pr', 'i')}, ${id('p', '(i / ?)')}, 'bench', 'published', now() - interval '400 days'
         FROM generate_series(0, ? - 1) i`,
      [SIZE.productsPerPartner, SIZE.partners * SIZE.productsPerPartner],
    );
    // Subscriptions: partner k gets a share that shrinks with k (a few big roasters, a long tail); statuses, start
    // dates over the last 400 days, cancellations after their start, next charges in the coming four weeks.
    await trx.raw(
      `INSERT INTO subscriptions (id, customer_id, product_id, partner_id, workflow_id, status, product_name, grams,
         grind, quantity, cycle_weeks, unit_price, amount, ship_to, next_charge_at, started_at, canceled_at, cycle)
       SELECT ${id('s', 'i')}, ${id('c', `(i % ${SIZE.customers})`)}, ${id('pr', 'prod')}, ${id('p', 'part')},
              'bench', st, '벤치 원두 ' || prod, 200, 'whole_bean', 1 + (i % 3 = 0)::int, (ARRAY[1, 2, 4])[1 + i % 3],
              price, price * (1 + (i % 3 = 0)::int), '{}'::jsonb,
              now() + (random() * interval '28 days'), started,
              CASE WHEN st = 'canceled' THEN started + random() * (now() - started) END, 20
         FROM (SELECT i, part, part * ${SIZE.productsPerPartner} + (i % ${SIZE.productsPerPartner}) AS prod,
                      12000 + (i % 29) * 1000 AS price, now() - random() * interval '400 days' AS started,
                      CASE WHEN i % 100 < 70 THEN 'active' WHEN i % 100 < 75 THEN 'past_due'
                           WHEN i % 100 < 83 THEN 'paused' WHEN i % 100 < 85 THEN 'suspended'
                           ELSE 'canceled' END AS st
                 FROM (SELECT i, floor(${SIZE.partners} * power(random(), 1.6))::int AS part
                         FROM generate_series(0, ? - 1) i) x) y`,
      [SIZE.subscriptions],
    );
    // Payments: 20 cycles of every subscription, approved at moments spread over the last year.
    await trx.raw(
      `INSERT INTO payments (id, subscription_id, customer_id, partner_id, product_id, cycle, order_id, payment_key,
         order_name, amount, refunded_amount, status, approved_at)
       SELECT ${id('pay', 'i')}, s.id, s.customer_id, s.partner_id, s.product_id, 1 + i / ?,
              'bench_' || i, 'bench_pk_' || i, s.product_name, s.amount,
              CASE WHEN i % 50 = 0 THEN s.amount WHEN i % 50 = 1 THEN 3000 ELSE 0 END,
              CASE WHEN i % 50 = 0 THEN 'refunded' WHEN i % 50 = 1 THEN 'partially_refunded' ELSE 'paid' END,
              now() - random() * interval '365 days'
         FROM generate_series(0, ? - 1) i JOIN subscriptions s ON s.id = ${id('s', `(i % ${SIZE.subscriptions})`)}`,
      [SIZE.subscriptions, SIZE.payments],
    );
    // Refunds of 4% of the payments (all or part), a few days after the charge.
    await trx.raw(
      `INSERT INTO refunds (id, payment_id, amount, reason, requested_by, status, created_at, done_at)
       SELECT gen_random_uuid(), id, refunded_amount, 'bench', ${id('admin', "''")}, 'done', t, t
         FROM (SELECT id, refunded_amount, least(now(), approved_at + random() * interval '5 days') AS t
                 FROM payments WHERE refunded_amount > 0) r`,
    );
    // Fulfilment orders of the last two weeks' payments: the last three days' still to roast, the rest shipped.
    await trx.raw(
      `INSERT INTO fulfilment_orders (id, payment_id, subscription_id, customer_id, partner_id, product_id, cycle,
         product_name, grams, grind, quantity, ship_to, ship_by, status, shipped_at)
       SELECT gen_random_uuid(), p.id, p.subscription_id, p.customer_id, p.partner_id, p.product_id, p.cycle,
              p.order_name, 200, 'whole_bean', 1, '{}'::jsonb, p.approved_at + interval '3 days',
              CASE WHEN p.approved_at > now() - interval '3 days' THEN 'to_roast' ELSE 'shipped' END,
              CASE WHEN p.approved_at > now() - interval '3 days' THEN NULL ELSE p.approved_at + interval '2 days' END
         FROM payments p WHERE p.approved_at > now() - interval '14 days'`,
    );
    // Seed shortcut: the read models are built from the seeded rows in one SQL pass (the same one the migration
    // runs on existing data); in production the recording activities keep them, one event at a time.
    await buildDashboardReadModels(trx);
  });
  await db.raw('VACUUM ANALYZE'); // what autovacuum does to settled tables: index-only scans see all-visible pages
  console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}

// Servers on core 1, autocannon on core 0 (as bench:catalog), when there are two cores to pin to.
const pinned =
  cpus().length >= 2 &&
  spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;

function start(script: string, argv: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(script, argv, {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: ['--import', 'tsx'],
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

/** Drives `paths` in rotation (each with its cookie), at `connections` connections. */
async function load(base: string, requests: { path: string; cookie?: string }[]): Promise<Figures> {
  let next = 0;
  const options = (seconds: number) => ({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const r = requests[next++ % requests.length]!;
          return {
            ...req,
            path: r.path,
            headers: { ...req.headers, ...(r.cookie ? { cookie: r.cookie } : {}) },
          };
        },
      },
    ],
  });
  await autocannon(options(2)); // warm-up
  const r = await autocannon(options(duration));
  return {
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** `--serve-naive <port>`: the naive server (its own process, pinned like the API). */
async function serveNaive(port: number): Promise<void> {
  const db = createDb(urls.api, { pool: { max: POOL } });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const partnerId = url.searchParams.get('partnerId') ?? '';
    const range = (url.searchParams.get('range') ?? '30d') as DashboardRange;
    naiveDashboard(db, partnerId, range).then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  server.listen(port, '127.0.0.1', () => process.send?.({ ready: port }));
  process.on('SIGTERM', () => process.exit(0));
}

async function main(): Promise<void> {
  await prepareDatabase(urls.worker, urls.api);
  const db = createDb(urls.worker);
  try {
    await seed(db);
    const payments = Number((await db('payments').count('* as n').first())?.n);
    const subscriptions = Number((await db('subscriptions').count('* as n').first())?.n);
    const partners = (await db('partners as p')
      .join('users as u', 'u.id', 'p.user_id')
      .leftJoin('payments as pay', 'pay.partner_id', 'p.id')
      .groupBy('p.id', 'u.email')
      .orderByRaw('count(pay.id) DESC')
      .select('p.id', 'u.email', db.raw('count(pay.id)::int AS n'))) as {
      id: string;
      email: string;
      n: number;
    }[];
    // The biggest partners and a spread of the rest.
    const picked = [0, 1, 2, 10, 40, 80, 120, 199].slice(0, ROTATE).map((i) => partners[i]!);
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: urls.worker,
      API_DATABASE_URL: urls.api,
      REDIS_KEY_PREFIX: `bench:${randomUUID().slice(0, 8)}:`,
      API_PORT: '3911',
      DASHBOARD_CACHE_TTL: '5s',
      // Production refuses the development key for billing keys at rest (the dashboard never opens one).
      BILLING_KEY_SECRETS: `bench:${randomBytes(32).toString('base64')}`,
      BILLING_KEY_ACTIVE: 'bench',
      PAYLOAD_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      PAYLOAD_KEY_ACTIVE: 'bench',
      WORKFLOW_ID_SECRET: randomBytes(32).toString('base64'),
      CODEC_TOKEN: randomBytes(32).toString('hex'),
    };
    const self = fileURLToPath(import.meta.url);
    // The API as deployed (answers reused from Redis for DASHBOARD_CACHE_TTL, default 5 s), the same API reading
    // the read models on every request (cache off), and the naive server. The two APIs share Redis, so sessions.
    const api = await start(join(root, 'bench', 'catalogServer.ts'), [], env);
    const uncachedApi = await start(join(root, 'bench', 'catalogServer.ts'), [], {
      ...env,
      API_PORT: '3913',
      DASHBOARD_CACHE_TTL: '0',
    });
    const naive = await start(self, ['--serve-naive', '3912'], env);
    try {
      const cookies: string[] = [];
      for (const p of picked) {
        // Sign in like the browser: the CSRF cookie first, sent back as the header.
        const csrf = await fetch('http://127.0.0.1:3911/api/auth/csrf');
        const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]!);
        const token = jar.find((c) => c.startsWith('dalgona_csrf='))?.split('=')[1] ?? '';
        const res = await fetch('http://127.0.0.1:3911/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: jar.join('; '), 'x-csrf-token': token },
          body: JSON.stringify({ email: p.email, password: PASSWORD }),
        });
        if (res.status !== 200) throw new Error(`login ${p.email}: ${res.status} ${await res.text()}`);
        cookies.push(
          res.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        );
      }
      const dashboardRequests = picked.flatMap((p, i) =>
        dashboardRanges.map((range) => ({
          path: `/api/partner/dashboard?range=${range}`,
          cookie: cookies[i],
        })),
      );
      const naiveRequests = picked.flatMap((p) =>
        dashboardRanges.map((range) => ({ path: `/?partnerId=${p.id}&range=${range}` })),
      );
      // The same figures both ways, checked once before timing (the naive one is the reference).
      const sample = await fetch('http://127.0.0.1:3913/api/partner/dashboard?range=12m', {
        headers: { cookie: cookies[0]! },
      });
      const ours = (await sample.json()) as { totals: { orders: number }; subscribers: { active: number } };
      const ref = (await (
        await fetch(`http://127.0.0.1:3912/?partnerId=${picked[0]!.id}&range=12m`)
      ).json()) as { series: { orders: number }[]; subscribers: { active: number } };
      const refOrders = ref.series.reduce((s, b) => s + Number(b.orders), 0);
      if (ours.subscribers.active !== ref.subscribers.active || ours.totals.orders !== refOrders) {
        throw new Error(`the two variants disagree: ${JSON.stringify({ ours, refOrders })}`);
      }
      const load1 = loadavg()[0]!;
      console.log(
        `dashboard bench: ${payments} payments, ${subscriptions} subscriptions, ${partners.length} partners ` +
          `(rotating ${picked.length}: ${picked.map((p) => p.n).join(', ')} payments), ${connections} connections, ` +
          `${duration}s per run${pinned ? ', servers on core 1, autocannon on core 0' : ''}; load ${load1.toFixed(2)}`,
      );
      const best = (a: Figures, b: Figures) => (a.rps >= b.rps ? a : b);
      // Two interleaved rounds, each side's better run kept: the cores are shared, a hiccup should not decide.
      // Context: the same API answering the cheapest signed-in request (the session look-up and nothing else).
      const sessionFloor = await load(
        'http://127.0.0.1:3911',
        cookies.map((cookie) => ({ path: '/api/auth/me', cookie })),
      );
      let dashboard = await load('http://127.0.0.1:3911', dashboardRequests);
      let uncached = await load('http://127.0.0.1:3913', dashboardRequests);
      let naiveFigures = await load('http://127.0.0.1:3912', naiveRequests);
      dashboard = best(dashboard, await load('http://127.0.0.1:3911', dashboardRequests));
      uncached = best(uncached, await load('http://127.0.0.1:3913', dashboardRequests));
      naiveFigures = best(naiveFigures, await load('http://127.0.0.1:3912', naiveRequests));
      const result = {
        date: new Date().toISOString(),
        payments,
        subscriptions,
        partners: partners.length,
        rotated_partners: picked.length,
        ranges: dashboardRanges,
        connections,
        duration_s: duration,
        pool: POOL,
        pinned_cores: pinned ? { load_generator: 0, servers: 1 } : null,
        load_average_1m: {
          before: Math.round(load1 * 100) / 100,
          after: Math.round(loadavg()[0]! * 100) / 100,
        },
        dashboard_cache_ttl_ms: 5000,
        dashboard,
        dashboard_uncached: uncached,
        naive: naiveFigures,
        session_floor: sessionFloor,
        ratio: Math.round((dashboard.rps / naiveFigures.rps) * 100) / 100,
        ratio_uncached: Math.round((uncached.rps / naiveFigures.rps) * 100) / 100,
        targets: { p99_ms: 20, ratio: 10 },
        notes:
          'naive = the same figures from raw payments / refunds / subscriptions per request, partner id in the URL ' +
          '(no session look-up: spared work, so the ratio is conservative); session_floor = GET /api/auth/me on the ' +
          'same API, the cheapest signed-in request (context for the latency on this machine)',
      };
      const rows = [
        ['', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
        ['dashboard', dashboard.rps, dashboard.p50_ms, dashboard.p99_ms, dashboard.errors + dashboard.non2xx],
        ['no Redis cache', uncached.rps, uncached.p50_ms, uncached.p99_ms, uncached.errors + uncached.non2xx],
        ['GET /api/auth/me', sessionFloor.rps, sessionFloor.p50_ms, sessionFloor.p99_ms, sessionFloor.errors],
        [
          'naive aggregate',
          naiveFigures.rps,
          naiveFigures.p50_ms,
          naiveFigures.p99_ms,
          naiveFigures.errors + naiveFigures.non2xx,
        ],
      ];
      for (const r of rows) console.log(r.map((c, i) => String(c).padStart(i === 0 ? 16 : 9)).join(' '));
      console.log(
        `ratio (dashboard / naive req/s): ${result.ratio}× (read models without the cache: ${result.ratio_uncached}×)`,
      );
      mkdirSync(join(root, 'bench', 'results'), { recursive: true });
      writeFileSync(join(root, 'bench', 'results', 'dashboard.json'), `${JSON.stringify(result, null, 2)}\n`);
    } finally {
      api.kill('SIGTERM');
      uncachedApi.kill('SIGTERM');
      naive.kill('SIGTERM');
    }
  } finally {
    await db.destroy();
  }
}

if (args[0] === '--serve-naive') await serveNaive(Number(args[1]));
else await main();
