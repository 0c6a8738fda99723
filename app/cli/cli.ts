import { UsageError } from './args.js';
import type { CliIo } from './io.js';
import { redact } from '../secrets/redact.js';
import { ACCOUNT_USAGE, DIAGNOSE_USAGE, FIX_USAGE, HISTORY_USAGE, KEYGEN_USAGE, KEYS_USAGE, TEST_USAGE, UNDO_USAGE } from './usage.js';

const USAGE = `Bitbucket Push Doctor: finds why git push to Bitbucket fails, and fixes it.

Usage:
  ${DIAGNOSE_USAGE}
      Find why pushing fails (read-only). Prints each problem with the fix command beside it.
  ${FIX_USAGE}
      Apply one fix (asks first on a terminal; --yes to apply without asking).
  ${TEST_USAGE}
      Can each repository authenticate and push now? (read-only)
  ${KEYGEN_USAGE}
      Create a new ed25519 SSH key; never replaces an existing file.
  ${UNDO_USAGE}
      Put back what the most recent fix changed (repeat to walk back).
  ${HISTORY_USAGE}
      The fixes applied so far.
  ${ACCOUNT_USAGE}
      Link your Bitbucket account (API token kept in the system keychain), check it, or remove it.
  ${KEYS_USAGE}
      The SSH keys on your linked account (marking the ones ssh offers), or add the key ssh offers.

Exit status: 0 success (pushing works, fix applied), 1 a problem was found or nothing was applied, 2 bad input.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;
/**
 * Each command is loaded when it runs, not at start: `diagnose` never loads what only `fix`, `undo`,
 * `keygen`, `account` or `keys` need (zod for the journal, the key generator, the REST client), which
 * keeps the start fast. Its usage line names its subcommands (`account link ... | account status ...`).
 */
const COMMANDS: Record<string, { usage: string; load: () => Promise<Command> }> = {
  diagnose: { usage: DIAGNOSE_USAGE, load: async () => (await import('./commands/diagnose.js')).diagnoseCommand },
  fix: { usage: FIX_USAGE, load: async () => (await import('./commands/fix.js')).fixCommand },
  test: { usage: TEST_USAGE, load: async () => (await import('./commands/test.js')).testCommand },
  keygen: { usage: KEYGEN_USAGE, load: async () => (await import('./commands/keygen.js')).keygenCommand },
  undo: { usage: UNDO_USAGE, load: async () => (await import('./commands/undo.js')).undoCommand },
  history: { usage: HISTORY_USAGE, load: async () => (await import('./commands/undo.js')).historyCommand },
  account: { usage: ACCOUNT_USAGE, load: async () => (await import('./commands/account.js')).accountCommand },
  keys: { usage: KEYS_USAGE, load: async () => (await import('./commands/keys.js')).keysCommand },
};

/** The commands `push-doctor` runs and each one's usage line (the secret sweep runs every command and subcommand). */
export const COMMAND_USAGES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(COMMANDS).map(([name, command]) => [name, command.usage]));

/** Runs the CLI and returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!.load : undefined;
  try {
    if (!load) throw new UsageError(`unknown command "${name}"`);
    return await (await load())(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`push-doctor: ${error.message}\nRun "push-doctor --help" for usage.\n`);
      return 2;
    }
    // Loaded only on this path: bad input is rare, and only the commands that diagnose raise it.
    const { DiagnoseInputError } = await import('../diagnose/diagnose.js');
    if (error instanceof DiagnoseInputError) {
      io.stderr.write(`push-doctor: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`push-doctor: unexpected error: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}
