/**
 * The desktop app's binary is also the `push-doctor` command of the installed app: the launchers in
 * resources/cli start it as `APP --cli [CHROMIUM SWITCHES] -- ARGS`, and main runs the CLI
 * (cli-mode.ts) instead of the app. Pure, without electron, so the launchers' tests use it too.
 */
export const CLI_SWITCH = '--cli';

/**
 * The CLI's arguments when this launch is a command line run, else null. Only `--cli` as the first
 * argument (after the executable, and the app path when running from source) makes it one: a folder
 * opened from a file manager, Explorer or a second launch never starts with it. The launchers put
 * switches for Chromium (Linux: its headless display platform) between `--cli` and a `--`, which ends
 * Chromium's own switches, so nothing the user types reaches Chromium as a switch of its own.
 */
export function cliArguments(argv: readonly string[], skip: number): string[] | null {
  if (argv[skip] !== CLI_SWITCH) return null;
  const rest = argv.slice(skip + 1);
  const end = rest.indexOf('--');
  if (end >= 0 && rest.slice(0, end).every((arg) => arg.startsWith('--'))) return rest.slice(end + 1);
  return rest;
}
