import type { EngineContext } from '../context.js';
import type { Recovery } from '../fix/crash-recovery.js';
import type { EngineServices } from './engine.js';

/** How the app's start reports what it recovered (main logs it). */
export interface RecoveryLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One line for the log, or null when there was nothing to recover. */
export function describeRecovery(recovery: Recovery): string | null {
  const parts = [
    ...(recovery.rolledBack.length ? [`rolled back ${recovery.rolledBack.join(', ')} (interrupted before it was complete)`] : []),
    ...(recovery.undoFinished.length ? [`finished undoing ${recovery.undoFinished.join(', ')}`] : []),
    ...(recovery.undoReopened.length ? [`could not finish undoing ${recovery.undoReopened.join(', ')} (undo it again to see why)`] : []),
  ];
  return parts.length ? `Push Doctor: a change was interrupted last time: ${parts.join('; ')}.` : null;
}

/**
 * The app's start: finishes or rolls back what a killed push-doctor (the app or the CLI) left in
 * the journal, at once instead of at the next fix, and returns the engine with the calls that use
 * the journal (fix, undo, history, adding an account key) waiting until that is done, so they never
 * race it for the journal lock. A recovery that fails is logged; those calls then recover again
 * themselves and report the reason.
 */
export function recoverAtStart(engine: EngineServices, ctx: EngineContext, log: RecoveryLog): EngineServices {
  const recovered: Promise<unknown> = engine.recoverChanges
    ? engine.recoverChanges(ctx).then(
        (recovery) => {
          const line = describeRecovery(recovery);
          if (line) log.info(line);
        },
        (error: unknown) => log.warn(`Push Doctor: could not recover an interrupted change: ${error instanceof Error ? error.message : String(error)}`),
      )
    : Promise.resolve();
  const after =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await recovered;
      return call(...args);
    };
  return {
    ...engine,
    applyFix: after(engine.applyFix),
    undoLast: after(engine.undoLast),
    history: after(engine.history),
    addAccountKey: after(engine.addAccountKey),
  };
}
