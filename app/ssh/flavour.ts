import type { GitRuntime } from '../exec/git-runtime.js';
import { windowsOpenSsh } from '../exec/windows-tools.js';
import type { SshVariant } from './command.js';

/**
 * Which ssh build git really starts, because each finds its agent and checks key files its own way:
 * - openssh: a POSIX OpenSSH (Linux, macOS, Cygwin/MSYS2 outside Git for Windows): SSH_AUTH_SOCK;
 * - git-for-windows: Git for Windows' own usr\bin\ssh.exe (MSYS2): SSH_AUTH_SOCK only, no key ACL check;
 * - windows-openssh: OpenSSH for Windows (System32\OpenSSH or Win32-OpenSSH): the
 *   \\.\pipe\openssh-ssh-agent agent when SSH_AUTH_SOCK is unset, and the NTFS ACL check on keys;
 * - putty: plink/TortoisePlink, which use Pageant; simple: a program git passes no options to.
 */
export type SshFlavour = 'openssh' | 'git-for-windows' | 'windows-openssh' | 'putty' | 'simple';

export interface FlavourInputs {
  variant: Exclude<SshVariant, 'auto'>;
  /** The file git starts for ssh, or null when only a shell knows it. */
  program: string | null;
  runtime: GitRuntime;
  env: NodeJS.ProcessEnv;
  /** First line of `ssh -V` ("OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2"), or null. */
  versionLine: string | null;
}

/** Pure. */
export function sshFlavour(i: FlavourInputs): SshFlavour {
  if (i.variant === 'plink' || i.variant === 'putty' || i.variant === 'tortoiseplink') return 'putty';
  if (i.variant === 'simple') return 'simple';
  if (i.runtime.platform !== 'win32') return 'openssh';
  if (i.versionLine && /OpenSSH_for_Windows/i.test(i.versionLine)) return 'windows-openssh';
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+/g, '/').toLowerCase();
  const program = i.program ? norm(i.program) : null;
  if (program && i.runtime.installRoot && program.startsWith(`${norm(i.runtime.installRoot)}/`)) return 'git-for-windows';
  if (program && program === norm(windowsOpenSsh(i.env, 'ssh'))) return 'windows-openssh';
  return 'openssh';
}

/** Words for evidence: "Git for Windows' own OpenSSH". */
export const FLAVOUR_NAMES: Record<SshFlavour, string> = {
  openssh: 'OpenSSH',
  'git-for-windows': "Git for Windows' own OpenSSH",
  'windows-openssh': 'OpenSSH for Windows',
  putty: 'PuTTY',
  simple: 'a program git passes no options to',
};
