import {
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogLevel,
} from '@temporalio/worker';
import type { Logger } from '../infra/logger';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../infra/config';
import { dataConverterFor } from '../infra/payloadCodec';
import { reconcileActivityQueueOf, taskQueue, type Domain } from '../domain/taskQueues';
import { getWorkflowBundle } from './bundle';
import { rateLimitedRetries } from './rateLimited';

let runtimeInstalled = false;

/** How long after the grace time a draining worker may still take before it is abandoned. */
const SHUTDOWN_FORCE_MS = 15_000;

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the SDK's logs (and its Rust core's warnings) into our pino JSON lines; once per process. */
export function installRuntime(log?: Logger, level: LogLevel = 'INFO', metricsAddress?: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  if (metricsAddress) {
    try {
      install(log, level, metricsAddress);
      return;
    } catch (err) {
      // A busy metrics port must not keep the worker from working: it runs without the SDK's metrics.
      log?.warn({ err: (err as Error).message, metricsAddress }, 'worker metrics unavailable');
    }
  }
  install(log, level);
}

function install(log: Logger | undefined, level: LogLevel, metricsAddress?: string): void {
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) =>
      log?.[pinoLevel[l]]({ sdk: meta }, message),
    ),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // The SDK's own metrics (task latencies, slots, sticky cache) for Prometheus.
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
}

/** One worker per domain task queue named in `config.workerDomains`, sharing one connection and bundle. */
export async function createWorkers(opts: {
  config: Pick<
    Config,
    'temporal' | 'workerDomains' | 'workerTuning' | 'payloadKeys' | 'workerShutdownGraceMs'
  >;
  connection: NativeConnection;
  deps: ActivityDeps;
  domains?: Domain[];
}): Promise<Worker[]> {
  const workflowBundle = await getWorkflowBundle();
  const activities = createActivities(opts.deps);
  const domains = opts.domains ?? opts.config.workerDomains;
  const tuning = opts.config.workerTuning;
  const grace = opts.config.workerShutdownGraceMs;
  // Every payload the workers send or receive is encrypted (the history holds ciphertext only).
  const dataConverter = dataConverterFor(opts.config.payloadKeys);
  const workers = Promise.all(
    domains.map((domain) =>
      Worker.create({
        connection: opts.connection,
        namespace: opts.config.temporal.namespace,
        taskQueue: taskQueue(opts.config.temporal.taskQueuePrefix, domain),
        workflowBundle,
        activities,
        dataConverter,
        // One cache and one set of slots per domain worker: the billing queue carries the subscriptions' load.
        maxCachedWorkflows: tuning.maxCachedWorkflows,
        maxConcurrentWorkflowTaskExecutions: Math.min(
          tuning.workflowTaskSlots,
          tuning.maxCachedWorkflows || Infinity,
        ),
        maxConcurrentLocalActivityExecutions: tuning.localActivitySlots,
        maxConcurrentActivityTaskExecutions: tuning.activitySlots,
        workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: tuning.workflowTaskPollers },
        // Draining: in-flight activities get the grace time to finish, then are cancelled; a worker still busy
        // SHUTDOWN_FORCE_MS later gives up (run() rejects and the process exits non-zero).
        shutdownGraceTime: grace,
        shutdownForceTime: grace + SHUTDOWN_FORCE_MS,
        // Temporal's server-side limit covers the billing queue's regular activities (card issue, refunds, …) but not
        // the charge, a local activity: every request to Toss also takes a slot of the shared limiter (worker/deps.ts).
        ...(domain === 'billing' && tuning.billingMaxActivitiesPerSecond
          ? { maxTaskQueueActivitiesPerSecond: tuning.billingMaxActivitiesPerSecond }
          : {}),
        interceptors: { activity: [rateLimitedRetries] },
      }),
    ),
  );
  // The billing workers also serve the reconcile pass's activity on its own queue (activities only, two at a time):
  // ops' passes are not queued behind the charges' activities or paced by the billing queue's rate limit.
  const reconcile = domains.includes('billing')
    ? [
        await Worker.create({
          connection: opts.connection,
          namespace: opts.config.temporal.namespace,
          taskQueue: reconcileActivityQueueOf(taskQueue(opts.config.temporal.taskQueuePrefix, 'billing')),
          activities: { reconcilePass: activities.reconcilePass },
          dataConverter,
          maxConcurrentActivityTaskExecutions: 2,
          shutdownGraceTime: grace,
          shutdownForceTime: grace + SHUTDOWN_FORCE_MS,
        }),
      ]
    : [];
  return [...(await workers), ...reconcile];
}
