import type { EngineContext } from '../context.js';
import type { JournalEntry, UndoResult } from '../contract/fixes.js';
import { FIX_CATALOGUE } from './catalogue.js';
import { openJournal, recoverInterruptedChanges } from './crash-recovery.js';
import { readJournal, writeJournal } from './journal-store.js';
import { describeStep, errorText, leftAloneMessage, readableTime, toJournalEntry } from './journal-words.js';
import { statePaths } from './state-dir.js';
import { dropEntry, StepUndoer } from './step-undoer.js';
import type { UndoSecretStore } from './undo-secrets.js';

/* `undo` and `history`: the newest committed fix taken back, and the fixes undo can take back. */

/** Committed entries, newest first (after recovering what a killed process left, when no other process is busy). */
export async function listJournal(ctx: EngineContext): Promise<JournalEntry[]> {
  await recoverInterruptedChanges(ctx);
  const journal = await readJournal(statePaths(ctx));
  return journal.entries
    .filter((e) => e.state === 'committed')
    .reverse()
    .map(toJournalEntry);
}

/** Restores the state before the most recent committed fix, exactly; refuses when the user changed something since. */
export async function undoLast(ctx: EngineContext, options: { keychain?: UndoSecretStore } = {}): Promise<UndoResult> {
  const { paths, journal, secrets, release } = await openJournal(ctx, options.keychain);
  try {
    const entry = [...journal.entries].reverse().find((e) => e.state === 'committed');
    if (!entry) return { undone: false, fixId: null, restored: [], message: 'Nothing to undo.' };
    const title = FIX_CATALOGUE[entry.fixId].title;

    const undoer = new StepUndoer(ctx, paths, entry, secrets);
    const refuse = (why: string): UndoResult => ({ undone: false, fixId: entry.fixId, restored: [], message: ctx.secrets.redact(`Not undone: ${why}. Nothing was changed.`) });
    for (const step of entry.steps) {
      let where: Awaited<ReturnType<StepUndoer['classify']>>;
      try {
        where = await undoer.classify(step);
      } catch (error) {
        return refuse(`cannot check ${describeStep(step)} (${errorText(error)})`);
      }
      if (where === 'changed') return refuse(`${describeStep(step)} was changed after "${title}" was applied (${entry.appliedAt}); undoing would overwrite that change`);
    }
    // Write-ahead: if this process dies while putting things back, the next start finishes the undo.
    entry.state = 'undoing';
    await writeJournal(paths, journal);
    let outcome: { restored: string[]; leftAlone: string[] };
    try {
      outcome = await undoer.restoreAll({ onlyIfOurs: false });
    } catch (error) {
      // Steps already put back read as "before" next time, so running undo again finishes the job.
      entry.state = 'committed';
      await writeJournal(paths, journal);
      return { undone: false, fixId: entry.fixId, restored: [], message: ctx.secrets.redact(`Undo stopped part-way: ${errorText(error)}. Run undo again to finish.`) };
    }
    await dropEntry(paths, journal, entry, undoer);
    const kept = leftAloneMessage(entry, outcome.leftAlone);
    return { undone: true, fixId: entry.fixId, restored: outcome.restored, message: ctx.secrets.redact(`Undid "${title}" (applied ${readableTime(entry.appliedAt)}).${kept}`) };
  } finally {
    await release();
  }
}
