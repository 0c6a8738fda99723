import { createContext } from '../../context.js';
import { fixHistory, undoLastFix } from '../../fix/registry.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { createStyle } from '../style.js';

/** `push-doctor undo`: restores the state before the most recent applied fix (one per call). */
export async function undoCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError('undo takes no arguments: it undoes the most recent fix');
  const ctx = createContext({ env: io.env });
  const result = await undoLastFix(ctx);
  const out = writer(io.stdout, ctx.secrets);
  if (values.json) out(json(result));
  else {
    const style = createStyle(io.stdout, io.env);
    out(`${result.undone ? style.ok(`✓ ${result.message}`) : style.warn(`! ${result.message}`)}\n`);
    if (result.restored.length) out(style.dim(`Restored: ${result.restored.join(', ')}\n`));
  }
  return result.undone ? 0 : 1;
}

/** `push-doctor history`: the applied fixes, newest first (what `undo` would walk back). */
export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError('history takes no arguments');
  const ctx = createContext({ env: io.env });
  const entries = await fixHistory(ctx);
  const out = writer(io.stdout, ctx.secrets);
  if (values.json) out(json(entries));
  else if (entries.length === 0) out('No fixes applied.\n');
  else for (const e of entries) out(`${e.appliedAt}  ${e.fixId}${e.repo ? `  ${e.repo}` : ''}\n    ${e.changed.join(', ')}\n`);
  return 0;
}
