/**
 * Repository trust, as the engine reports it and the UI shows it: the commands a repository's own
 * git config (not the user's) makes git run during Push Doctor's checks, and the repositories the
 * user trusted to run them. Pure types and words (no Node imports): the renderer compiles this file.
 */

export const REPO_COMMAND_KINDS = ['ssh-command', 'credential-helper', 'transport-command', 'proxy-command', 'command-url'] as const;
export type RepoCommandKind = (typeof REPO_COMMAND_KINDS)[number];

/** One command-valued setting written in the repository's own config (.git/config, a file it includes, config.worktree). */
export interface RepoCommand {
  /** Stable id of this exact setting (kind, key, value, file): what a trust decision covers. */
  id: string;
  kind: RepoCommandKind;
  /** The key as git lists it: "core.sshcommand", "credential.https://bitbucket.org.helper". */
  key: string;
  /** What git would run, for display (passwords masked). */
  command: string;
  /** The config file it is written in, or null when git did not say. */
  file: string | null;
}

/** A repository the user allowed to run its own commands, and the commands they saw when they did. */
export interface TrustedRepo {
  path: string;
  name: string;
  /** ISO timestamp. */
  trustedAt: string;
  commands: RepoCommand[];
}

/** What git does with each kind, in plain words (the prompt, the Settings screen, the finding). */
export function repoCommandRole(kind: RepoCommandKind): string {
  switch (kind) {
    case 'ssh-command':
      return 'the SSH program git starts to reach Bitbucket';
    case 'credential-helper':
      return 'a credential helper git asks for your password or token';
    case 'transport-command':
      return 'a program git starts instead of git-upload-pack or git-receive-pack for a remote on this computer';
    case 'proxy-command':
      return 'a proxy program git starts for git:// addresses';
    case 'command-url':
      return 'a command written into a remote address (ext::)';
  }
}

/** "core.sshcommand = ssh -i ~/.ssh/work (in /src/widgets/.git/config)": one line of evidence. */
export function describeRepoCommand(command: RepoCommand): string {
  return `${command.key} = ${command.command}${command.file ? ` (in ${command.file})` : ''}`;
}

/** Does the trust given for `trusted` cover every command the repository names now? */
export function trustCovers(trusted: Pick<TrustedRepo, 'commands'>, current: readonly Pick<RepoCommand, 'id'>[]): boolean {
  return current.every((command) => trusted.commands.some((seen) => seen.id === command.id));
}
