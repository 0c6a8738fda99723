import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestHome } from './home.js';

/**
 * Commands a repository's own .git/config names, as a stranger's repository could: each is a script
 * that appends a line to its marker file when it runs (then, for the ssh command, does what ssh
 * would, so a trusted diagnosis really works). A test proves a command never ran by its marker file
 * not existing.
 */
export interface MarkerCommand {
  /** The script to name in the config. */
  script: string;
  /** Written (appended to) each time the script runs. */
  marker: string;
}

export async function markerCommand(home: TestHome, name: string, then = 'exit 1'): Promise<MarkerCommand> {
  const dir = path.join(home.dir, 'stranger');
  await mkdir(dir, { recursive: true });
  const script = path.join(dir, `${name}.sh`);
  const marker = path.join(home.dir, `ran-${name}`);
  await writeFile(script, `#!/bin/sh\necho "$*" >> '${marker}'\n${then}\n`);
  await chmod(script, 0o755);
  return { script, marker };
}

/** An ssh command that marks, then runs the home's own ssh (so Bitbucket really answers once trusted). */
export function markingSshCommand(home: TestHome, name = 'ssh-command'): Promise<MarkerCommand> {
  return markerCommand(home, name, `exec ssh -F '${path.join(home.sshDir, 'config')}' "$@"`);
}

/** A credential helper that marks and knows nothing. */
export function markingHelper(home: TestHome, name = 'helper'): Promise<MarkerCommand> {
  return markerCommand(home, name, 'cat >/dev/null; exit 0');
}

/** How many times the command ran (0: never). */
export async function timesRun(command: MarkerCommand): Promise<number> {
  try {
    await access(command.marker);
  } catch {
    return 0;
  }
  return (await readFile(command.marker, 'utf8')).split('\n').filter(Boolean).length;
}
