// Prometheus metrics (prom-client): each process owns its registry (no global state, so tests build as many as they
// like and read them); the API counts requests by route pattern, the worker counts business events.
import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

export { Registry };

/** The route label of a request no route matched (the UI's files, 404s): one value, so cardinality stays bounded. */
export const UNMATCHED = 'unmatched';

/** The API's request metrics: `http_requests_total` and `http_request_duration_seconds` by method, route, status. */
export interface HttpMetrics {
  registry: Registry;
  /** Counts one finished request; `route` is the matched pattern (never the raw path) or UNMATCHED. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

const DURATION = 'http_request_duration_seconds';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One label set's request count, duration sum and per-bucket (non-cumulative) counts. */
interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  buckets: Float64Array;
}

type MetricValue = { labels: Record<string, string>; value: number; metricName?: string };

/**
 * Builds the API's registry; `processMetrics` adds prom-client's default process metrics (once per process).
 * Requests are tallied in plain numbers and turned into Prometheus series only when scraped: prom-client's own
 * counters and histograms hash their label object on every call, several times what a request through the edge
 * cache costs.
 */
export function createHttpMetrics(opts: { processMetrics?: boolean } = {}): HttpMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const all = new Map<string, Series>();
  const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) =>
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
    } as unknown as Metric);
  metric(
    'http_requests_total',
    'HTTP requests answered, by method, matched route pattern and status',
    'counter',
    () => [...all.values()].map((s) => ({ labels: s.labels, value: s.count })),
  );
  metric(
    'http_request_duration_seconds',
    'Time from a request arriving to its answer, by method, matched route pattern and status',
    'histogram',
    () =>
      [...all.values()].flatMap((s) => {
        let cumulative = 0;
        const buckets = BUCKETS.map((le, i) => {
          cumulative += s.buckets[i]!;
          return {
            labels: { le: String(le), ...s.labels },
            value: cumulative,
            metricName: `${DURATION}_bucket`,
          };
        });
        return [
          ...buckets,
          { labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${DURATION}_bucket` },
          { labels: s.labels, value: s.sum, metricName: `${DURATION}_sum` },
          { labels: s.labels, value: s.count, metricName: `${DURATION}_count` },
        ];
      }),
  );
  return {
    registry,
    observe(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let s = all.get(key);
      if (!s) {
        s = {
          labels: { method, route, status: String(status) },
          count: 0,
          sum: 0,
          buckets: new Float64Array(BUCKETS.length),
        };
        all.set(key, s);
      }
      s.count += 1;
      s.sum += seconds;
      for (let i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]!) {
          s.buckets[i]! += 1;
          break;
        }
      }
    },
  };
}

/** The worker's business counters; activities increment them once per real event (never on a replayed write). */
export interface BusinessMetrics {
  registry: Registry;
  /** Charges recorded, by outcome (`approved` | `declined`). */
  charges: Counter<'outcome'>;
  /** KRW of approved charges. */
  chargedKrw: Counter;
  /** Charge attempts after a decline in the same cycle (dunning retries, retries with a new card). */
  chargeRetries: Counter;
  /** Charge attempts that failed without an answer (provider or database trouble); each is retried. */
  chargeErrors: Counter;
  /** Subscriptions entering dunning (`past_due`). */
  dunningEntries: Counter;
  /** Subscriptions suspended after the last retry of the ladder. */
  suspensions: Counter;
  /** Refunds carried out, and their KRW. */
  refunds: Counter;
  refundedKrw: Counter;
  /** Settlement statements made, by status (`open` | `carried` | …), and statements paid out. */
  settlementStatements: Counter<'status'>;
  settlementPayouts: Counter;
  /** Fulfilment orders escalated to the admin inbox (not shipped by their deadline). */
  fulfilmentEscalations: Counter;
  /** Admin inbox tasks flagged overdue, by kind. */
  tasksOverdue: Counter<'kind'>;
  /** Notification deliveries, by channel and outcome (`sent` | `retried` | `failed`). */
  notifications: Counter<'channel' | 'outcome'>;
  /** Mismatches between PostgreSQL and Temporal the last reconcile pass found, by kind and entity. */
  reconcileMismatches: Gauge<'kind' | 'entity'>;
  /** Repairs the reconciler made (restarts, rows rewritten by their owner), by kind and entity. */
  reconcileRepairs: Counter<'kind' | 'entity'>;
}

/** Builds the worker's registry of business counters (and, in the worker process, the default process metrics). */
export function createBusinessMetrics(opts: { processMetrics?: boolean } = {}): BusinessMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const counter = <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name: `dalgona_${name}`, help, labelNames, registers: [registry] });
  return {
    registry,
    charges: counter('charges_total', 'Charges recorded, by outcome (approved, declined)', ['outcome']),
    chargedKrw: counter('charged_krw_total', 'KRW of approved charges'),
    chargeRetries: counter(
      'charge_retries_total',
      'Charge attempts after a decline in the same cycle (dunning ladder, new card)',
    ),
    chargeErrors: counter(
      'charge_errors_total',
      'Charge attempts that ended without an answer (provider or database trouble); each is retried',
    ),
    dunningEntries: counter('dunning_entries_total', 'Subscriptions entering dunning (past_due)'),
    suspensions: counter('subscriptions_suspended_total', 'Subscriptions suspended after dunning'),
    refunds: counter('refunds_total', 'Refunds carried out'),
    refundedKrw: counter('refunded_krw_total', 'KRW refunded'),
    settlementStatements: counter(
      'settlement_statements_total',
      'Partner settlement statements made, by status',
      ['status'],
    ),
    settlementPayouts: counter('settlement_payouts_total', 'Settlement statements marked paid out'),
    fulfilmentEscalations: counter(
      'fulfilment_escalations_total',
      'Fulfilment orders escalated to the admin inbox (not shipped by their deadline)',
    ),
    tasksOverdue: counter('inbox_tasks_overdue_total', 'Admin inbox tasks flagged overdue, by kind', [
      'kind',
    ]),
    notifications: counter(
      'notification_deliveries_total',
      'Notification deliveries by channel and outcome (sent, retried, failed)',
      ['channel', 'outcome'],
    ),
    reconcileMismatches: new Gauge<'kind' | 'entity'>({
      name: 'dalgona_reconcile_mismatches',
      help: 'Rows and workflows that disagree (orphan_row, orphan_workflow, disagreement) at the last reconcile pass, by entity',
      labelNames: ['kind', 'entity'],
      registers: [registry],
    }),
    reconcileRepairs: counter(
      'reconcile_repairs_total',
      'Repairs made by the reconciler, by kind and entity',
      ['kind', 'entity'],
    ),
  };
}

/** The value of a counter (summed over its labels, or for one label set): what tests read. */
export async function counterValue(c: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await c.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Loopback, RFC 1918, link-local, CGNAT and IPv6 loopback / unique-local / link-local networks. */
const privateNetworks = new BlockList();
for (const [net, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
] as const) {
  privateNetworks.addSubnet(net, prefix, 'ipv4');
}
privateNetworks.addAddress('::1', 'ipv6');
privateNetworks.addSubnet('fc00::', 7, 'ipv6');
privateNetworks.addSubnet('fe80::', 10, 'ipv6');

/** Whether an address is on a private network (an IPv4-mapped IPv6 address judged as its IPv4 address). */
export function isPrivateAddress(address: string | undefined): boolean {
  if (!address) return false;
  const ip = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  const family = isIP(ip);
  return family !== 0 && privateNetworks.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Who may read `/metrics`. With a token: exactly `Authorization: Bearer <token>`, from anywhere. Without one: only a
 * direct connection from a loopback or private address that no proxy relayed (no X-Forwarded-For / Forwarded),
 * judged by the socket's peer address — never by forwarded headers, which a client can forge.
 */
export function metricsAccess(
  req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string } },
  token: string | null,
): 'ok' | 'unauthenticated' | 'hidden' {
  if (token) {
    const given = req.headers.authorization;
    const expected = Buffer.from(`Bearer ${token}`);
    const actual = Buffer.from(typeof given === 'string' ? given : '');
    return actual.length === expected.length && timingSafeEqual(actual, expected) ? 'ok' : 'unauthenticated';
  }
  const relayed = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !relayed && isPrivateAddress(req.socket.remoteAddress) ? 'ok' : 'hidden';
}
