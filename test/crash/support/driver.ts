// The crash sweep's stand-in for `push-doctor fix|undo|history` where a fix needs one of the
// engine's test seams (Bitbucket's published host key list, the REST API, a WSL machine), which the
// real CLI never accepts. It does what the CLI's commands do (app/cli/commands/fix.ts, undo.ts)
// with a context that carries the seams of PUSH_DOCTOR_TEST_SEAMS (JSON), and prints the result as
// JSON. Run as: node --import tsx --import crash-hook.mjs driver.ts fix FIX_ID PATH [--input-stdin]
import { createContext, type EngineContext } from '../../../app/context.js';
import type { FixInput } from '../../../app/contract/fixes.js';
import { isFixId } from '../../../app/contract/report.js';
import { applyFix, fixHistory, undoLastFix } from '../../../app/fix/registry.js';
import { resolveFixScope } from '../../../app/fix/scope.js';

type Seams = Pick<EngineContext, 'publishedHostKeys' | 'bitbucketApi' | 'systemRoot'>;

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<number> {
  const seams = JSON.parse(process.env.PUSH_DOCTOR_TEST_SEAMS ?? '{}') as Seams;
  const ctx: EngineContext = { ...createContext({ env: process.env }), ...seams };
  const [command, ...args] = process.argv.slice(2);
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  if (command === 'fix') {
    const [id, repo] = args;
    if (!id || !isFixId(id) || !repo) throw new Error('usage: driver fix FIX_ID PATH [--input-stdin]');
    const input = args.includes('--input-stdin') ? (JSON.parse(await stdin()) as FixInput) : {};
    const result = await applyFix(ctx, id, await resolveFixScope(ctx, repo), input);
    print(result);
    return result.applied ? 0 : 1;
  }
  if (command === 'undo') {
    const result = await undoLastFix(ctx);
    print(result);
    return result.undone ? 0 : 1;
  }
  if (command === 'history') {
    print(await fixHistory(ctx));
    return 0;
  }
  throw new Error(`unknown command ${command ?? ''}`);
}

process.exitCode = await main();
