import type { ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { AppError } from '../../domain/errors';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

/** Checks each dependency; a failing one is named. */
export async function readiness({ db, redis, temporal }: ApiDeps): Promise<Record<string, 'up' | 'down'>> {
  const probe = async (fn: () => Promise<unknown>) => {
    try {
      await withTimeout(fn(), 1500);
      return 'up' as const;
    } catch {
      return 'down' as const;
    }
  };
  const [postgres, redisState, temporalState] = await Promise.all([
    probe(() => db.raw('select 1')),
    probe(() => redis.ping()),
    probe(() => temporal.connection.workflowService.getSystemInfo({})),
  ]);
  return { postgres, redis: redisState, temporal: temporalState };
}

export function healthRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/healthz',
      summary: 'The process is up',
      tag: 'ops',
      access: 'public',
      async handler() {
        return { status: 'ok' };
      },
    }),
    route({
      method: 'GET',
      path: '/readyz',
      summary: 'PostgreSQL, Redis and Temporal are reachable (503 names the failing one)',
      tag: 'ops',
      access: 'public',
      async handler({ deps }) {
        const checks = await readiness(deps);
        const down = Object.entries(checks)
          .filter(([, v]) => v === 'down')
          .map(([k]) => k);
        if (down.length > 0)
          throw new AppError('UNAVAILABLE', `Not ready: ${down.join(', ')} down`, { checks });
        return { status: 'ready', checks };
      },
    }),
  ];
}
