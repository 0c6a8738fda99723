import type { EngineContext } from '../context.js';
import { planCommandLine, type GitRuntime, type Planned } from '../exec/git-runtime.js';
import { splitShellWords } from '../exec/shell-words.js';
import { git } from '../git/git.js';

/**
 * How git talks to the SSH program (connect.c). `auto` is git's VARIANT_AUTO: a program whose
 * name git does not know, which git probes with `<cmd> -G` and then treats as OpenSSH ("ssh") when
 * that works and as "simple" (no options at all) when it fails.
 */
export type SshVariant = 'ssh' | 'plink' | 'putty' | 'tortoiseplink' | 'simple' | 'auto';

export type SshCommandSource = 'GIT_SSH_COMMAND' | 'core.sshCommand' | 'GIT_SSH' | 'default';

/** The SSH command git will really run for this repository. */
export interface SshCommand {
  source: SshCommandSource;
  /** A shell string (GIT_SSH_COMMAND, core.sshCommand) or a program path (GIT_SSH, "ssh"). */
  value: string;
  /** Shell strings are run by git through `sh -c '<value> "$@"'`. */
  shell: boolean;
  /** The program git looks at to pick the variant: argv[0] of a shell string, or the program. */
  program: string | null;
  variant: SshVariant;
  /** Why this variant: "GIT_SSH_VARIANT", "ssh.variant", "program name", "unknown program". */
  variantReason: string;
  /** Where the command is set, for evidence: "environment", "/home/u/.gitconfig". */
  origin: string;
}

/** Facts about the environment and config that decide the command; gathered by `resolveSshCommand`. */
export interface SshCommandInputs {
  env: NodeJS.ProcessEnv;
  coreSshCommand: { value: string; origin: string } | null;
  sshVariantConfig: string | null;
  platform: NodeJS.Platform;
}

/**
 * git's choice of SSH command, reproduced: GIT_SSH_COMMAND (shell string) > core.sshCommand (shell
 * string) > GIT_SSH (a program, no shell) > "ssh"; variant from GIT_SSH_VARIANT, then ssh.variant,
 * then the program's base name. Pure.
 */
export function chooseSshCommand(inputs: SshCommandInputs): SshCommand {
  const { env } = inputs;
  let source: SshCommandSource;
  let value: string;
  let origin: string;
  if (env.GIT_SSH_COMMAND !== undefined) {
    source = 'GIT_SSH_COMMAND';
    value = env.GIT_SSH_COMMAND;
    origin = 'environment variable GIT_SSH_COMMAND';
  } else if (inputs.coreSshCommand) {
    source = 'core.sshCommand';
    value = inputs.coreSshCommand.value;
    origin = inputs.coreSshCommand.origin;
  } else if (env.GIT_SSH !== undefined && env.GIT_SSH !== '') {
    source = 'GIT_SSH';
    value = env.GIT_SSH;
    origin = 'environment variable GIT_SSH';
  } else {
    source = 'default';
    value = 'ssh';
    origin = 'git default';
  }
  const shell = source === 'GIT_SSH_COMMAND' || source === 'core.sshCommand';
  const program = shell ? (splitCommandLine(value)?.[0] ?? null) : value;

  const override = env.GIT_SSH_VARIANT ?? inputs.sshVariantConfig;
  if (override !== undefined && override !== null && override !== 'auto') {
    const reason = env.GIT_SSH_VARIANT !== undefined ? 'GIT_SSH_VARIANT' : 'ssh.variant';
    const known: Record<string, SshVariant> = { plink: 'plink', putty: 'putty', tortoiseplink: 'tortoiseplink', simple: 'simple' };
    // git treats any other value as OpenSSH.
    return { source, value, shell, program, variant: known[override] ?? 'ssh', variantReason: reason, origin };
  }
  const variant = program ? variantFromProgram(program, inputs.platform) : 'auto';
  return { source, value, shell, program, variant, variantReason: variant === 'auto' ? 'unknown program' : 'program name', origin };
}

function variantFromProgram(program: string, platform: NodeJS.Platform): SshVariant {
  const parts = program.split(platform === 'win32' ? /[\\/]/ : /\//);
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  if (base === 'ssh' || base === 'ssh.exe') return 'ssh';
  if (base === 'plink' || base === 'plink.exe') return 'plink';
  if (base === 'tortoiseplink' || base === 'tortoiseplink.exe') return 'tortoiseplink';
  return 'auto';
}

/** git's split_cmdline: the words of a shell string, or null for an unclosed quote. Pure. */
export function splitCommandLine(text: string): string[] | null {
  const { words, unclosed } = splitShellWords(text);
  return unclosed ? null : words;
}

/** Where argv[0] of a shell string ends (index into the string), or null when it cannot be told. */
function programEnd(text: string): number | null {
  const start = text.length - text.trimStart().length;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (/\s/.test(c)) return i;
    // An assignment, an expansion or a command separator in the first word: a script, not "program args".
    else if (/[|&;<>()$`=]/.test(c)) return null;
  }
  return quote ? null : text.length;
}

/** Quotes a word for sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Reads what git reads: core.sshCommand and ssh.variant of the repository (all config scopes). */
export async function resolveSshCommand(ctx: EngineContext, repoRoot: string): Promise<SshCommand> {
  const [command, variant] = await Promise.all([
    git(ctx, ['config', '--show-origin', '-z', '--get', 'core.sshCommand'], { cwd: repoRoot }),
    git(ctx, ['config', '-z', '--get', 'ssh.variant'], { cwd: repoRoot }),
  ]);
  let coreSshCommand: SshCommandInputs['coreSshCommand'] = null;
  if (command.exitCode === 0) {
    const [origin = '', value = ''] = command.stdout.split('\0');
    coreSshCommand = { value, origin: `core.sshCommand in ${origin.replace(/^file:/, '')}` };
  }
  const sshVariantConfig = variant.exitCode === 0 ? (variant.stdout.split('\0')[0] ?? null) : null;
  return chooseSshCommand({ env: ctx.env, coreSshCommand, sshVariantConfig, platform: ctx.platform });
}

/** What the probe adds to the user's command; each variant takes different switches. */
export interface ProbeSwitches {
  /** OpenSSH `-o Key=value` pairs. */
  sshOptions: Array<[string, string]>;
  /** Extra OpenSSH flags, e.g. "-T", "-v". */
  sshFlags: string[];
}

/** The switches of `switches` in the syntax of `variant` ([] for "simple", which takes none). */
export function variantSwitches(variant: Exclude<SshVariant, 'auto'>, switches: ProbeSwitches): string[] {
  if (variant === 'ssh') return [...switches.sshFlags, ...switches.sshOptions.flatMap(([k, v]) => ['-o', `${k}=${v}`])];
  // PuTTY's plink: -batch never prompts (git adds it itself for TortoisePlink). -T/-v exist in plink too.
  if (variant === 'plink' || variant === 'putty') return ['-batch', ...switches.sshFlags.filter((f) => f === '-T' || f === '-v')];
  if (variant === 'tortoiseplink') return switches.sshFlags.filter((f) => f === '-T' || f === '-v');
  return [];
}

/**
 * The user's command with our switches placed FIRST (right after the program), because OpenSSH
 * takes the first value given for an option: the user's own `-o StrictHostKeyChecking=no` must not
 * override the probe's read-only, never-prompting settings. When the first word cannot be found
 * (a script, a wrapper with shell syntax) they go after the user's words, as git's own do.
 * Returns a shell string usable as GIT_SSH_COMMAND.
 */
export function commandWithSwitches(command: SshCommand, switches: string[]): string {
  const quoted = switches.map(shellQuote).join(' ');
  const base = command.shell ? command.value : shellQuote(command.value);
  if (quoted === '') return base;
  const end = programEnd(base);
  if (end === null) return `${base} ${quoted}`;
  return `${base.slice(0, end)} ${quoted}${base.slice(end)}`;
}

/**
 * `<git's ssh command> <switches> <args>` planned exactly as git would start it (its shell, its
 * PATH, its ssh; see exec/git-runtime), for the probes and `ssh -G`.
 */
export function planSsh(runtime: GitRuntime, command: SshCommand, switches: string[], args: string[]): Promise<Planned> {
  return planCommandLine(runtime, commandWithSwitches(command, switches), args);
}

/** Port switch in the variant's syntax, as git passes it. */
export function portArgs(variant: Exclude<SshVariant, 'auto'>, port: number | null): string[] {
  if (port === null) return [];
  if (variant === 'ssh') return ['-p', String(port)];
  if (variant === 'simple') return [];
  return ['-P', String(port)];
}

/** "git@host" as git passes it (the user part only when the URL has one). */
export function sshDestination(user: string | null, host: string): string {
  return user ? `${user}@${host}` : host;
}

/** One line describing the command for evidence: `core.sshCommand in /h/.gitconfig: ssh -F /h/.ssh/config (OpenSSH, program name)`. */
export function describeSshCommand(command: SshCommand, variant: SshVariant = command.variant): string {
  const names: Record<SshVariant, string> = { ssh: 'OpenSSH', plink: 'PuTTY plink', putty: 'PuTTY', tortoiseplink: 'TortoisePlink', simple: 'simple: git passes no options', auto: 'unknown program' };
  return `${command.origin}: ${maskCommandSecrets(command.value)} (${names[variant]}, ${command.variantReason})`;
}

/** `sshpass -p PASSWORD ssh` puts a password into the command itself: never show it. */
export function maskCommandSecrets(value: string): string {
  return value.replace(/(\bsshpass\b(?:\s+-[a-oq-zA-Z]\S*)*\s+-p\s*)(\S+)/g, '$1•••••');
}
