import { DiagnoseInputError } from '../diagnose/diagnose.js';
import { UsageError } from './args.js';
import { accountCommand, ACCOUNT_USAGE } from './commands/account.js';
import { diagnoseCommand, DIAGNOSE_USAGE } from './commands/diagnose.js';
import { fixCommand, FIX_USAGE } from './commands/fix.js';
import { keygenCommand, KEYGEN_USAGE } from './commands/keygen.js';
import { keysCommand, KEYS_USAGE } from './commands/keys.js';
import { testCommand, TEST_USAGE } from './commands/test.js';
import { historyCommand, HISTORY_USAGE, undoCommand, UNDO_USAGE } from './commands/undo.js';
import type { CliIo } from './io.js';
import { redact } from '../secrets/redact.js';

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
const COMMANDS: Record<string, Command> = {
  diagnose: diagnoseCommand,
  fix: fixCommand,
  test: testCommand,
  keygen: keygenCommand,
  undo: undoCommand,
  history: historyCommand,
  account: accountCommand,
  keys: keysCommand,
};

/** Runs the CLI and returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`push-doctor: ${error.message}\nRun "push-doctor --help" for usage.\n`);
      return 2;
    }
    if (error instanceof DiagnoseInputError) {
      io.stderr.write(`push-doctor: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`push-doctor: unexpected error: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}
