// `npm run reconcile [-- --repair | --report] [--partner <id>]`: one reconcile pass now
// (docs/architecture.md#reconciling-postgresql-and-temporal; README "Operations: reconciling"). Prints one JSON line
// per mismatch ({"kind","entity","id","row","workflow","repair"}) and a summary line, and exits 0 whatever it found (a
// failure to reach PostgreSQL or Temporal exits 1). Without a flag it repairs as RECONCILE_REPAIR says (on in
// development, report-only in production); `--partner` looks at one roaster's rows only.
import { Client, Connection } from '@temporalio/client';
import { runReconcile } from '../activities/reconcile';
import { createDb } from '../db/knex';
import { mismatchKinds, type Mismatch } from '../domain/reconcile';
import { createLogger } from '../infra/logger';
import { createBusinessMetrics } from '../infra/metrics';
import { dataConverterFor } from '../infra/payloadCodec';
import { loadConfigOrExit } from '../infra/startup';
import { reconcileSettings } from '../worker/deps';

const args = process.argv.slice(2);
const config = loadConfigOrExit();
const repair = args.includes('--repair') ? true : args.includes('--report') ? false : config.reconcile.repair;
const partnerIds = args.flatMap((a, i) => (a === '--partner' && args[i + 1] ? [args[i + 1]!] : []));
const db = createDb(config.databaseUrl, { pool: { max: 4 } });
const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '10s' });
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverterFor(config.payloadKeys),
});
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
let code = 0;
try {
  const result = await runReconcile(
    {
      db,
      temporal,
      metrics: createBusinessMetrics(),
      log: createLogger('reconcile', 'warn'),
      settings: reconcileSettings(config),
    },
    { repair, ...(partnerIds.length ? { partnerIds } : {}) },
    { onMismatch: (m: Mismatch) => print(m) },
  );
  const byKind = Object.fromEntries(
    mismatchKinds.map((k) => [k, result.mismatches.filter((m) => m.kind === k).length]),
  );
  print({
    summary: {
      mismatches: result.mismatches.length,
      ...byKind,
      repaired: result.mismatches.filter((m) => m.repair && m.repair !== 'reported').length,
      repair,
      scanned: result.scanned,
      tasksOpened: result.tasksOpened,
      tasksClosed: result.tasksClosed,
      durationMs: result.durationMs,
    },
  });
} catch (err) {
  console.error(`reconcile failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await Promise.allSettled([db.destroy(), connection.close()]);
}
process.exit(code);
