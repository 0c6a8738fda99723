import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { describeRepoCommand, type RepoCommand, type RepoCommandKind } from '../contract/trust.js';
import { describeHelper, parseConfigWithOrigin, selectHelpers, type ConfigScope, type CredentialConfigEntry } from '../credentials/helpers.js';
import { credentialUrlParts } from '../credentials/urlmatch.js';
import { git } from '../git/git.js';
import { redactOpaque } from '../secrets/redact.js';
import { maskCommandSecrets, shellQuote } from '../ssh/command.js';

/**
 * Commands a repository's own config makes git run (repository trust).
 *
 * A folder from an archive or a colleague can name any program in its .git/config (or in a file
 * that config includes, or in config.worktree), and git runs it with the user's permissions during
 * the very commands the diagnosis uses. What git runs there, checked against git's source and
 * with real git (test/engine/repo-commands.test.ts):
 * - `core.sshCommand`: every SSH connection (`git ls-remote`, `git push --dry-run`, and our own
 *   `ssh -G` / `ssh -T` through the same command). GIT_SSH_COMMAND in the environment wins over it.
 * - `credential.helper`, `credential.<url>.helper`: `git credential fill`, and any HTTPS request
 *   that gets a 401 (`!cmd` runs through the shell, a path runs as is, a name runs
 *   git-credential-NAME with the repository's arguments).
 * - `remote.<name>.receivepack` / `uploadpack`: started locally for a remote on this computer.
 * - `core.gitProxy`: started for git:// addresses.
 * - `ext::` addresses in a remote URL or in a `url.<base>.insteadOf` rule (git allows them only
 *   when `protocol.ext.allow` says so, which the same config can).
 * Not run by the engine's commands, and pinned off anyway while a repository is untrusted:
 * `core.fsmonitor` (only commands that read the index, such as `git status`), hooks (pre-push runs
 * even with --dry-run, transport.c; both push probes pass --no-verify), `gpg.program` (a dry run
 * never signs, send-pack.c), `core.askPass` (GIT_ASKPASS='' hides it), pagers and editors (no
 * terminal), `diff.external` (no diff is ever run).
 *
 * The engine context carries a RepoCommandGate: absent, git behaves as git (the CLI in the user's
 * own repository); present, a repository runs its commands only when the gate allows them. Until
 * then every git call in that repository gets an environment that neutralises them (see
 * `neutralEnv`), and the checks that need one of them say so instead of running.
 */

export interface RepoGuard {
  root: string;
  /** Every command the repository's own config names (empty without a gate: not looked for). */
  commands: RepoCommand[];
  trusted: boolean;
  /** The commands that must not run: `commands` when untrusted, else empty. */
  blocked: RepoCommand[];
  /** The repository's config as git lists it (all scopes), for credential helper selection. */
  entries: CredentialConfigEntry[];
  /** Environment every git call in the repository gets while it is untrusted ({} otherwise). */
  env: NodeJS.ProcessEnv;
}

/**
 * Decides, per repository, whether its own commands may run; remembers each repository's guard for
 * the engine context that carries it, so every git call in that repository can be neutralised
 * without reading the config again.
 */
export class RepoCommandGate {
  private readonly pending = new Map<string, Promise<RepoGuard>>();
  private readonly ready = new Map<string, RepoGuard>();

  constructor(private readonly decide: (repoRoot: string, commands: readonly RepoCommand[]) => boolean) {}

  allows(repoRoot: string, commands: readonly RepoCommand[]): boolean {
    return commands.length === 0 || this.decide(repoRoot, commands);
  }

  /** The repository's guard, read once per gate. */
  guard(ctx: EngineContext, repoRoot: string): Promise<RepoGuard> {
    const root = path.resolve(repoRoot);
    let found = this.pending.get(root);
    if (!found) {
      found = buildGuard(ctx, root, this).then((guard) => {
        this.ready.set(root, guard);
        return guard;
      });
      this.pending.set(root, found);
    }
    return found;
  }

  /** The neutralising environment for git run in `cwd` (the innermost guarded repository containing it), or {}. */
  gitEnv(cwd: string | undefined): NodeJS.ProcessEnv {
    if (!cwd) return {};
    const where = path.resolve(cwd);
    let best: RepoGuard | null = null;
    for (const [root, guard] of this.ready) {
      const relative = path.relative(root, where);
      const inside = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
      if (inside && (!best || root.length > best.root.length)) best = guard;
    }
    return best?.env ?? {};
  }
}

/** The CLI's `--no-repo-commands`: no repository runs its own commands. */
export function noRepoCommands(): RepoCommandGate {
  return new RepoCommandGate(() => false);
}

/** The guard of the repository at `root` under the context's gate; without a gate, git's own behaviour. */
export function repoGuard(ctx: EngineContext, root: string): Promise<RepoGuard> {
  if (!ctx.repoCommands) return Promise.resolve({ root, commands: [], trusted: true, blocked: [], entries: [], env: {} });
  return ctx.repoCommands.guard(ctx, root);
}

/** Every command the repository names, trusted or not (for the trust prompt), read with the context's git. */
export async function readRepoCommands(ctx: EngineContext, root: string): Promise<RepoCommand[]> {
  return findRepoCommands(await readConfigEntries(ctx, root), ctx);
}

async function buildGuard(ctx: EngineContext, root: string, gate: RepoCommandGate): Promise<RepoGuard> {
  const entries = await readConfigEntries(ctx, root);
  const commands = findRepoCommands(entries, ctx);
  const trusted = gate.allows(root, commands);
  return { root, commands, trusted, blocked: trusted ? [] : commands, entries, env: trusted ? {} : neutralEnv(ctx.env, entries, commands) };
}

async function readConfigEntries(ctx: EngineContext, root: string): Promise<CredentialConfigEntry[]> {
  const result = await git(ctx, ['config', '-z', '--show-scope', '--show-origin', '--list'], { cwd: root });
  return result.exitCode === 0 ? parseConfigWithOrigin(result.stdout, root) : [];
}

const REPO_SCOPES: ReadonlySet<ConfigScope> = new Set(['local', 'worktree']);
const isRepoScope = (entry: CredentialConfigEntry) => REPO_SCOPES.has(entry.origin.scope);
const HELPER_KEY = /^credential\.(?:.+\.)?helper$/i;

/** The repository-scoped command settings in git's config listing (all scopes, in git's order). Pure. */
export function findRepoCommands(entries: readonly CredentialConfigEntry[], ctx: Pick<EngineContext, 'env' | 'homeDir' | 'secrets'>): RepoCommand[] {
  const commands: RepoCommand[] = [];
  const add = (entry: CredentialConfigEntry, kind: RepoCommandKind, command: string) => {
    const value = entry.value ?? '';
    const id = createHash('sha256').update([kind, entry.origin.key, value, entry.origin.file ?? ''].join('\0')).digest('hex').slice(0, 16);
    commands.push({ id, kind, key: entry.origin.key, command: displayCommand(ctx, command), file: entry.origin.file });
  };
  // core.sshCommand: the last value wins, and GIT_SSH_COMMAND wins over all of them.
  const ssh = entries.filter((e) => e.origin.key.toLowerCase() === 'core.sshcommand').at(-1);
  if (ssh && isRepoScope(ssh) && ssh.value && ctx.env.GIT_SSH_COMMAND === undefined) add(ssh, 'ssh-command', ssh.value);

  for (const entry of entries) {
    if (!isRepoScope(entry) || !entry.value) continue;
    const key = entry.origin.key;
    const lower = key.toLowerCase();
    if (HELPER_KEY.test(key)) add(entry, 'credential-helper', describeHelper(entry.value, ctx.homeDir, path.dirname(entry.origin.file ?? ctx.homeDir)).command);
    else if (/^remote\..+\.(receivepack|uploadpack)$/.test(lower)) add(entry, 'transport-command', entry.value);
    else if (lower === 'core.gitproxy') add(entry, 'proxy-command', entry.value);
    else if (/^remote\..+\.(url|pushurl)$/.test(lower) && isCommandUrl(entry.value)) add(entry, 'command-url', entry.value);
    else if (/^url\..+\.(insteadof|pushinsteadof)$/.test(lower)) {
      const base = key.slice('url.'.length, key.lastIndexOf('.'));
      if (isCommandUrl(base)) add(entry, 'command-url', `${base} (for addresses starting with ${entry.value})`);
    }
  }
  return commands;
}

/** `ext::<command>`: git's remote helper that runs the rest of the address as a command. */
function isCommandUrl(value: string): boolean {
  return /^\s*ext::/i.test(value);
}

/**
 * A command for display: sshpass passwords and `password=` values masked, known secrets redacted,
 * and long opaque words masked too: a `!` helper may hold its password as a printf argument, and
 * the prompt that shows it runs before anything could tell the run which value that is.
 */
function displayCommand(ctx: Pick<EngineContext, 'secrets'>, command: string): string {
  const masked = maskCommandSecrets(command).replace(/(password=)[^\s'";]+/g, '$1•••••');
  return redactOpaque(ctx.secrets.redact(masked));
}

/**
 * What every git call in an untrusted repository runs with. Command-line config (here through
 * GIT_CONFIG_COUNT, which git passes on to the helpers and transports it starts) comes after every
 * config file, so it wins over the repository's: no fsmonitor, no hooks, and the credential helpers
 * exactly as the user's own config lists them (the repository's resets kept, its helpers left out).
 * Transports other than https, http and ssh are refused (ext::, local remotes with their
 * receivepack/uploadpack, git:// with core.gitProxy). A repository-scoped core.sshCommand is
 * replaced, through GIT_SSH_COMMAND (which git reads before any config), by the command git would
 * use without it: `-c core.sshCommand=` would not do, git then runs an empty command ("cannot run")
 * instead of falling back to ssh, and a user's own GIT_SSH or global setting would be lost.
 */
export function neutralEnv(userEnv: NodeJS.ProcessEnv, entries: readonly CredentialConfigEntry[], commands: readonly RepoCommand[]): NodeJS.ProcessEnv {
  const ours: Array<[string, string]> = [
    ['core.fsmonitor', 'false'],
    ['core.hooksPath', os.devNull],
    ['credential.helper', ''],
    ...entries
      .filter((e) => HELPER_KEY.test(e.origin.key) && e.value !== null && e.origin.scope !== 'command' && !(isRepoScope(e) && e.value !== ''))
      .map((e): [string, string] => [e.origin.key, e.value!]),
  ];
  const theirs = userConfigEnv(userEnv);
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(ours.length + theirs.length) };
  [...ours, ...theirs].forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  const safe = ['http', 'https', 'ssh'];
  const allowed = userEnv.GIT_ALLOW_PROTOCOL === undefined ? safe : userEnv.GIT_ALLOW_PROTOCOL.split(':').filter((p) => safe.includes(p));
  // An empty list would mean "no restriction" to git: name a protocol that does not exist instead.
  env.GIT_ALLOW_PROTOCOL = allowed.length > 0 ? allowed.join(':') : 'none';
  if (commands.some((c) => c.kind === 'ssh-command')) env.GIT_SSH_COMMAND = userSshCommand(userEnv, entries);
  return env;
}

/** The user's own GIT_CONFIG_COUNT entries (command-line config from the environment). */
function userConfigEnv(env: NodeJS.ProcessEnv): Array<[string, string]> {
  const count = Number.parseInt(env.GIT_CONFIG_COUNT ?? '', 10);
  if (!Number.isInteger(count) || count <= 0) return [];
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) {
    const key = env[`GIT_CONFIG_KEY_${i}`];
    if (key !== undefined) pairs.push([key, env[`GIT_CONFIG_VALUE_${i}`] ?? '']);
  }
  return pairs;
}

/** The ssh command git would run without the repository's core.sshCommand: the user's config, GIT_SSH, or ssh. */
function userSshCommand(env: NodeJS.ProcessEnv, entries: readonly CredentialConfigEntry[]): string {
  const own = entries.filter((e) => e.origin.key.toLowerCase() === 'core.sshcommand' && (e.origin.scope === 'system' || e.origin.scope === 'global')).at(-1);
  if (own?.value) return own.value;
  if (env.GIT_SSH) return shellQuote(env.GIT_SSH);
  return 'ssh';
}

/** The repository's core.sshCommand when git would run it and the repository is not trusted. */
export function blockedSshCommand(guard: RepoGuard): RepoCommand | null {
  return guard.blocked.find((c) => c.kind === 'ssh-command') ?? null;
}

/** The untrusted repository helpers git would ask for `url` (git's own selection and order). */
export function blockedHelpersFor(guard: RepoGuard, url: string, homeDir: string): RepoCommand[] {
  const blocked = guard.blocked.filter((c) => c.kind === 'credential-helper');
  if (blocked.length === 0) return [];
  const selected = selectHelpers(guard.entries, credentialUrlParts(url), homeDir, guard.root).helpers.filter((h) => REPO_SCOPES.has(h.origin.scope));
  return blocked.filter((c) => selected.some((h) => h.origin.key === c.key && h.origin.file === c.file));
}

/** "this repository's own core.sshcommand (in /r/.git/config) runs only once you trust the repository". */
export function needsTrust(commands: readonly RepoCommand[]): string {
  const what = commands.map((c) => `${c.key}${c.file ? ` (in ${c.file})` : ''}`).join(', ');
  return `this repository's own ${what} ${commands.length === 1 ? 'runs' : 'run'} only once you trust the repository`;
}

/** A skipped check's summary: "not run: this repository's own … runs only once you trust the repository". */
export function notRunSummary(commands: readonly RepoCommand[]): string {
  return `not run: ${needsTrust(commands)}`;
}

/** Evidence lines for the finding: one per command, what and where. */
export function repoCommandEvidence(commands: readonly RepoCommand[]): string[] {
  return commands.map(describeRepoCommand);
}
