/**
 * Ctrl-C for a long command. Our git and ssh processes run in sessions of their own (so they can
 * never prompt on the terminal), so the terminal's SIGINT reaches only us: we must kill them
 * ourselves. While `whileRunning` runs, SIGINT and SIGTERM abort its signal (run() then kills each
 * process group) instead of ending the process at once; the command then exits 130.
 */
export async function untilInterrupted<T>(whileRunning: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; interrupted: boolean }> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const value = await whileRunning(controller.signal);
    return { value, interrupted: controller.signal.aborted };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit status of a command ended by Ctrl-C, as shells report it (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;
