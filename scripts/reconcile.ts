// `npm run reconcile [-- --repair | --report] [--partner <id>]`: one reconcile pass now
// (docs/architecture.md#reconciling-postgresql-and-temporal; README "Operations: reconciling"). The pass runs as a
// `reconcile` workflow on the billing workers — the only writers, with the durations a restarted workflow needs — and
// this prints one JSON line per mismatch ({"kind","entity","id","row","workflow","repair"}) and a summary line, and
// exits 0 whatever it found (1 when Temporal is out of reach or the pass failed). Without a flag it repairs as
// RECONCILE_REPAIR says (on in development, report-only in production); `--partner` looks at one roaster's rows only.
import { Client, Connection } from '@temporalio/client';
import { startReconcilePass } from '../domain/contracts/reconcile';
import { mismatchKinds, type ReconcileInput } from '../domain/reconcile';
import { dataConverterFor } from '../infra/payloadCodec';
import { loadConfigOrExit } from '../infra/startup';

const args = process.argv.slice(2);
const config = loadConfigOrExit();
const repair = args.includes('--repair') ? true : args.includes('--report') ? false : config.reconcile.repair;
const partnerIds = args.flatMap((a, i) => (a === '--partner' && args[i + 1] ? [args[i + 1]!] : []));
const input: ReconcileInput = { repair, ...(partnerIds.length ? { partnerIds } : {}) };
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

let code = 0;
let connection: Connection | null = null;
try {
  connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '10s' });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterFor(config.payloadKeys),
  });
  const result = await (
    await startReconcilePass(client, config.temporal, `manual-${new Date().toISOString()}`, input)
  ).result();
  for (const m of result.mismatches) print(m);
  print({
    summary: {
      mismatches: mismatchKinds.reduce((n, k) => n + result.counts[k], 0),
      ...result.counts,
      // Past RECONCILE_RESULT_LIMIT only the first ones are printed (the inbox lists every one).
      printed: result.mismatches.length,
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
  await connection?.close();
}
process.exit(code);
