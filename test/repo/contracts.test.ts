// A workflow's contract lives in one module, domain/contracts/<workflow type>.ts (STYLE.md): nobody writes a
// workflow's type name or id by hand. This scans the repository's TypeScript for bare type names passed to the
// client (start, execute, getHandle, Update-with-Start, a Schedule's action, a visibility query) and for workflow
// ids built inline, and checks that every contract stays importable by workflow code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const self = 'test/repo/contracts.test.ts';
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Workflows without a contract yet: none (a new one goes here only while it is being converted). */
const notYetContracted = new Set<string>();
/** The id prefix of each workflow not yet contracted. */
const handWrittenIdPrefixes: Record<string, string> = {};

/** Every workflow type the workers run: the names workflows/index.ts exports. */
const workflowTypes = [...read('workflows/index.ts').matchAll(/^export \{ (\w+) \} from '\.\/\w+';$/gm)].map(
  (m) => m[1]!,
);

interface Contract {
  type: string;
  /** Every id prefix the contract's id functions produce (`fulfilment:`, `settlementRun-`, …). */
  idPrefixes: string[];
}

/** The prefix an id function puts before its key (null for one whose key is not a string, e.g. a Date). */
function prefixOf(id: (key: string) => string): string | null {
  try {
    return id('\u0000').split('\u0000')[0]!;
  } catch {
    return null;
  }
}

async function loadContracts(): Promise<Contract[]> {
  const contracts: Contract[] = [];
  for (const type of workflowTypes) {
    if (notYetContracted.has(type)) {
      contracts.push({ type, idPrefixes: [handWrittenIdPrefixes[type]!] });
      continue;
    }
    const mod = (await import(`../../domain/contracts/${type}.ts`)) as Record<string, unknown>;
    assert.equal(mod[`${type}WorkflowType`], type, `domain/contracts/${type}.ts exports ${type}WorkflowType`);
    const ids = Object.entries(mod).filter(
      ([name, value]) => /WorkflowId$/i.test(name) && typeof value === 'function',
    );
    assert.ok(ids.length > 0, `domain/contracts/${type}.ts exports an id function`);
    contracts.push({
      type,
      idPrefixes: ids
        .map(([, id]) => prefixOf(id as (key: string) => string))
        .filter((p): p is string => !!p),
    });
  }
  return contracts;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rules: each finds a hand-written workflow type name or id in one file's text. */
function rules(types: string[], prefixes: string[]): { name: string; re: RegExp }[] {
  const type = `(?:${types.map(escape).join('|')})`;
  const prefix = `(?:${prefixes.map(escape).join('|')})`;
  const generic = String.raw`(?:<[^>()]*>)?`;
  return [
    {
      name: 'a bare workflow type passed to the client',
      re: new RegExp(
        String.raw`\b(?:start|execute|signalWithStart|getHandle|startChild|executeChild)\s*${generic}\(\s*(['"\`])${type}\1`,
        'g',
      ),
    },
    {
      name: 'a bare workflow type in an Update-with-Start',
      re: new RegExp(String.raw`\bWithStartWorkflowOperation\s*${generic}\(\s*(['"\`])${type}\1`, 'g'),
    },
    {
      name: 'a bare workflow type in a Schedule',
      re: new RegExp(String.raw`\bworkflowType:\s*(['"\`])${type}\1`, 'g'),
    },
    {
      name: 'a bare workflow type in a query',
      re: new RegExp(String.raw`\bWorkflowType\s*=\s*\\?["']${type}["']`, 'g'),
    },
    { name: 'a workflow id built inline', re: new RegExp(String.raw`\`${prefix}[^\`]*\$\{`, 'g') },
    { name: 'a workflow id built inline', re: new RegExp(String.raw`(['"])${prefix}\1\s*\+`, 'g') },
    { name: 'a bare workflow id', re: new RegExp(String.raw`\bworkflowId:\s*(['"\`])${type}\1`, 'g') },
    {
      name: 'a workflow id in a query',
      re: new RegExp(String.raw`\bWorkflowId\s*=\s*\\?["']${prefix}`, 'g'),
    },
  ];
}

/** Offences in one file's text, as `path:line: rule: code`. Outbox dedupe keys may share a prefix with an id. */
function offences(path: string, text: string, ruleSet: { name: string; re: RegExp }[]): string[] {
  const found: string[] = [];
  for (const { name, re } of ruleSet) {
    for (const m of text.matchAll(re)) {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const lineEnd = text.indexOf('\n', m.index);
      const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
      if (/\bdedupeKey:/.test(line.slice(0, m.index - lineStart))) continue;
      const n = text.slice(0, m.index).split('\n').length;
      found.push(`${path}:${n}: ${name}: ${line.trim()}`);
    }
  }
  return found;
}

/** Tracked (and new, not ignored) TypeScript files, outside the contracts themselves. */
function sources(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  // A file deleted from the work tree but not yet from the index is listed too: only what exists is read.
  return [...new Set(out.split('\n').filter(Boolean))].filter(
    (p) =>
      !p.startsWith('domain/contracts/') &&
      !p.startsWith('node_modules/') &&
      p !== self &&
      existsSync(join(root, p)),
  );
}

describe('workflow contracts', () => {
  it('every workflow the workers run has its contract module', async () => {
    assert.ok(workflowTypes.length >= 10, `workflows/index.ts exports ${workflowTypes.join(', ')}`);
    const contracts = await loadContracts();
    for (const c of contracts) assert.ok(c.idPrefixes.length > 0, `${c.type} has an id prefix`);
  });

  it('nobody outside domain/contracts writes a workflow type name or builds a workflow id by hand', async () => {
    const contracts = await loadContracts();
    const allowed = (c: Contract) => notYetContracted.has(c.type);
    const ruleSet = rules(
      contracts.filter((c) => !allowed(c)).map((c) => c.type),
      contracts.filter((c) => !allowed(c)).flatMap((c) => c.idPrefixes),
    );
    const found = sources()
      .sort()
      .flatMap((path) => offences(path, read(path), ruleSet));
    assert.deepEqual(
      found,
      [],
      `use the workflow's contract (domain/contracts/<type>.ts):\n${found.join('\n')}`,
    );
  });

  it('finds what it is meant to find', () => {
    const ruleSet = rules(['fulfilment', 'settlementRun'], ['fulfilment:', 'settlementRun-']);
    const bad = [
      "client.workflow.start('fulfilment', { workflowId: id })",
      'client.workflow.execute<typeof fulfilment>(\n  "fulfilment", {})',
      'new WithStartWorkflowOperation(`fulfilment`, {})',
      'const h = client.workflow.getHandle(`fulfilment:${orderId}`);',
      "const id = 'fulfilment:' + orderId;",
      "action: { type: 'startWorkflow', workflowType: 'settlementRun' }",
      'count(`WorkflowType = "settlementRun"`)',
      'count(`WorkflowId = "settlementRun-${at}"`)',
      'workflowId: `settlementRun-test-${uniq()}`,',
      "action: { workflowId: 'settlementRun' }",
    ];
    for (const code of bad) assert.equal(offences('x.ts', code, ruleSet).length, 1, code);
    const good = [
      'startFulfilment(client, config.temporal, input)',
      'client.workflow.getHandle(task.workflowId)',
      'dedupeKey: `fulfilment:${orderId}:shipped`,',
      "const type = 'fulfilmentState';",
      'count(`WorkflowType = "${settlementRunWorkflowType}"`)',
    ];
    for (const code of good) assert.deepEqual(offences('x.ts', code, ruleSet), [], code);
  });

  it('contract modules stay importable by workflow code: no zod, no Node built-ins, no client values, no cycles', () => {
    const files = contractFiles();
    assert.ok(files.length >= 10);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const problems: string[] = [];
    for (const path of files) {
      for (const m of read(path).matchAll(/^import (type )?(?:[^'";]*? from )?'([^']+)';$/gms)) {
        const typeOnly = !!m[1];
        const spec = m[2]!;
        const where = `${path}: import '${spec}'`;
        if (spec === 'zod' || builtins.has(spec) || builtins.has(spec.split('/')[0]!))
          problems.push(`${where} (zod and Node built-ins stay out of the workflow bundle)`);
        if (spec === '@temporalio/client' && !typeOnly)
          problems.push(`${where} (type imports only: a client value breaks the workflow bundle)`);
        if (!spec.startsWith('.')) continue;
        const target = normalize(join(dirname(path), spec));
        if (/^(workflows|activities)\//.test(target))
          problems.push(`${where} (contracts are imported by workflows and activities, never the reverse)`);
        if (!typeOnly && /from 'zod'/.test(read(`${target}.ts`)))
          problems.push(`${where} (a value import of a module that imports zod)`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every contracted workflow is checked against its contract’s signature', () => {
    for (const type of workflowTypes.filter((t) => !notYetContracted.has(t))) {
      // `export async function x(…) {…}` then `x satisfies XWorkflow;`, or `export const x: XWorkflow = async (…) =>`.
      assert.match(
        read(`workflows/${type}.ts`),
        new RegExp(String.raw`^(?:${type} satisfies \w+Workflow;|export const ${type}: \w+Workflow =)`, 'm'),
        `workflows/${type}.ts: \`${type} satisfies <Type>Workflow;\` or \`export const ${type}: <Type>Workflow = …\``,
      );
    }
  });
});

/** The contract modules (shared helpers such as start.ts included). */
function contractFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'domain/contracts/*.ts'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return [...new Set(out.split('\n').filter(Boolean))].filter((p) => existsSync(join(root, p)));
}
