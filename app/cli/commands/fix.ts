import { createInterface } from 'node:readline/promises';
import { createContext, DEFAULT_TIMEOUT_MS } from '../../context.js';
import type { FixInput, FixPlan, FixResult } from '../../contract/fixes.js';
import { isFixId } from '../../contract/report.js';
import { FIX_CATALOGUE } from '../../fix/catalogue.js';
import { applyFix, describeFix } from '../../fix/registry.js';
import { resolveFixScope } from '../../fix/scope.js';
import { bitbucketHosts, parseCommandArgs, repoCommandGate, timeoutMs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { readStdin } from '../stdin.js';
import { createStyle, type Style } from '../style.js';
import { FIX_USAGE } from '../usage.js';

/**
 * `push-doctor fix`: applies exactly one fix. Without --yes it shows the plan and asks on a
 * terminal; with no terminal it changes nothing. Exit 0 applied (or already in effect) and verified,
 * 1 not applied, 2 unknown fix id or bad usage.
 */
export async function fixCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    yes: { type: 'boolean', short: 'y' },
    json: { type: 'boolean' },
    'input-stdin': { type: 'boolean' },
    remote: { type: 'string' },
    timeout: { type: 'string' },
    'bitbucket-host': { type: 'string', multiple: true },
    'no-repo-commands': { type: 'boolean' },
  });
  const [id, repoPath, ...extra] = positionals;
  if (!id) throw new UsageError(`fix needs a FIX_ID: ${FIX_USAGE}`);
  if (!isFixId(id)) throw new UsageError(`unknown fix "${id}"; known fixes: ${Object.keys(FIX_CATALOGUE).join(', ')}`);
  if (extra.length) throw new UsageError('fix applies exactly one fix to one path');

  const ctx = createContext({ env: io.env, timeoutMs: timeoutMs(values.timeout, DEFAULT_TIMEOUT_MS), bitbucketHosts: bitbucketHosts(values['bitbucket-host']), repoCommands: repoCommandGate(values['no-repo-commands']) });
  const out = writer(io.stdout, ctx.secrets);
  const style = createStyle(io.stdout, io.env);
  const report = (result: FixResult) => {
    if (values.json) out(json(result));
    else out(formatResult(result, style));
    return result.applied ? 0 : 1;
  };

  // The path is optional for fixes about the user's own setup (a new key) when the current folder is no repository.
  const scope = await resolveFixScope(ctx, repoPath ?? io.cwd, values.remote).catch((error: unknown) => {
    if (repoPath === undefined) return resolveFixScope(ctx, null);
    throw error;
  });
  const plan = await describeFix(ctx, id, scope);

  let input: FixInput = {};
  if (values['input-stdin']) input = parseInput(await readStdin(io.stdin));
  const missing = plan.inputs.filter((kind) => !input[kind]);
  if (plan.applicable && missing.length) {
    return report({ id, applied: false, changed: [], message: `This fix needs ${missing.join(' and ')}: pass them as one JSON object on stdin with --input-stdin, e.g. {"username": "...", "token": "..."}.` });
  }

  if (!values.yes && plan.applicable) {
    const interactive = Boolean(io.stdin.isTTY && io.stdout.isTTY) && !values['input-stdin'] && !values.json;
    if (!interactive) {
      if (!values.json) out(formatPlan(plan, style));
      return report({ id, applied: false, changed: [], message: 'Nothing changed: run again with --yes to apply (no terminal to ask on).' });
    }
    out(formatPlan(plan, style));
    const rl = createInterface({ input: io.stdin, output: io.stdout });
    const answer = (await rl.question('Apply this fix? [y/N] ')).trim().toLowerCase();
    rl.close();
    if (answer !== 'y' && answer !== 'yes') return report({ id, applied: false, changed: [], message: 'Nothing changed.' });
  }
  return report(await applyFix(ctx, id, scope, input));
}

/** One JSON object with string fields: {"username", "token", "passphrase"}. */
function parseInput(text: string): FixInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--input-stdin expects one JSON object on stdin, e.g. {"username": "...", "token": "..."}');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--input-stdin expects a JSON object');
  const input: FixInput = {};
  for (const key of ['username', 'token', 'passphrase'] as const) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    if (typeof field !== 'string' || field.length > 4096) throw new UsageError(`--input-stdin: "${key}" must be a string`);
    input[key] = field;
  }
  return input;
}

export function formatPlan(plan: FixPlan, style: Style): string {
  const lines = [style.bold(`${plan.title} (${plan.id})`)];
  if (!plan.applicable) {
    lines.push(`  ${plan.reason ?? 'This fix does not apply here.'}`);
    return `${lines.join('\n')}\n`;
  }
  if (plan.changes.length) lines.push('Will change:', ...plan.changes.map((c) => `  - ${c.target}: ${c.action}`));
  if (plan.url) lines.push(`Open: ${plan.url}`);
  plan.manualSteps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  for (const detail of plan.details) lines.push(style.dim(`  ${detail}`));
  return `${lines.join('\n')}\n`;
}

function formatResult(result: FixResult, style: Style): string {
  const lines = [result.applied ? style.ok(`✓ ${result.message}`) : style.error(`✗ ${result.message}`)];
  if (result.key) lines.push(result.key.publicKey, style.dim(result.key.fingerprint));
  if (result.url) lines.push(`Open: ${result.url}`);
  if (result.changed.length) lines.push(style.dim(`Changed: ${result.changed.join(', ')}`), style.dim('Undo with: push-doctor undo'));
  return `${lines.join('\n')}\n`;
}
