/**
 * Facts about Windows, Git for Windows, OpenSSH for Windows and PuTTY that the engine relies on,
 * each with its source, in one place (the Windows counterpart of facts/bitbucket.ts).
 *
 * Source labels: [SOURCE] upstream source code at the commit named; [OFFICIAL] vendor docs;
 * [3RD-PARTY] reproducible user reports; [DERIVED] inferred from the above.
 */

// ─── Git for Windows: layout and how it runs commands ─────────────────────────────────────────────

/**
 * [SOURCE] `git --exec-path` of Git for Windows is `<install>/<prefix>/libexec/git-core`, printed with
 * forward slashes, e.g. "C:/Program Files/Git/mingw64/libexec/git-core" (git-for-windows/git
 * compat/mingw.c append_system_bin_dirs strips "\<MINGW_PREFIX>\libexec\git-core"; config.mak.uname sets
 * MINGW_PREFIX from MSYSTEM, lower-cased: mingw64, mingw32, clangarm64; f661476e, 2026-08-21).
 */
export const GFW_MINGW_PREFIXES: readonly string[] = ['mingw64', 'clangarm64', 'mingw32', 'ucrt64', 'clang64'];

/**
 * [SOURCE] The shell git runs shell commands with on Windows: `git_shell_path()` = the first "sh" on
 * git's PATH (run-command.c, GIT_WINDOWS_NATIVE branch), where Git for Windows' own `usr\bin` comes
 * before the user's PATH (see GFW_CHILD_PATH_DIRS). `bin\sh.exe` is the install's redirector to it
 * (MINGW-packages mingw-w64-git/git-wrapper.c, "sh.exe"). Relative to the install folder.
 */
export const GFW_SHELL_CANDIDATES: readonly string[] = ['usr/bin/sh.exe', 'bin/sh.exe'];

/**
 * [SOURCE] Folders git's children find programs in, before the user's PATH, relative to the install
 * folder: the exec-path first (exec-cmd.c setup_path), then what `cmd\git.exe` prepends
 * (git-wrapper.c setup_environment with full_path: "<prefix>\bin;usr\bin;%HOME%\bin;"). So "ssh" is
 * Git for Windows' own `usr\bin\ssh.exe`, not Windows' System32\OpenSSH\ssh.exe that comes first on
 * the user's PATH. `{prefix}` is the MINGW prefix; `{home}` is HOME.
 */
export const GFW_CHILD_PATH_DIRS: readonly string[] = ['{prefix}/bin', 'usr/bin', '{home}/bin'];

/** [SOURCE] compat/mingw.c setup_windows_environment: git sets PLINK_PROTOCOL=ssh for its children when unset. */
export const GFW_CHILD_ENV_DEFAULTS: Readonly<Record<string, string>> = { PLINK_PROTOCOL: 'ssh' };

/**
 * [SOURCE] run-command.c prepare_shell_cmd: a command is run through the shell when it contains one
 * of these characters; otherwise git runs the program directly.
 */
export const GIT_SHELL_METACHARACTERS = '|&;<>()$`\\"\' \t\n*?[#~=%';

/**
 * [SOURCE] MSYS2's /etc/fstab mounts everything `noacl` ("none / cygdrive binary,posix=0,noacl,user 0 0"),
 * so Git for Windows' own ssh (MSYS2 OpenSSH) cannot see NTFS permissions and skips the private-key
 * permission check (openbsd-compat check_ntsec → pathconf(_PC_POSIX_PERMISSIONS) is 0). [DERIVED]
 */
export const GFW_SSH_CHECKS_KEY_ACL = false;

// ─── Windows' own tools ───────────────────────────────────────────────────────────────────────────

/** [OFFICIAL] Windows' OpenSSH client ships in %SystemRoot%\System32\OpenSSH (ssh.exe, ssh-add.exe, ssh-agent.exe, ssh-keygen.exe). */
export const WINDOWS_OPENSSH_DIR = 'System32/OpenSSH';

/**
 * [3RD-PARTY] The usual way to make Git for Windows use Windows' ssh and so its agent: core.sshCommand
 * "C:/Windows/System32/OpenSSH/ssh.exe" (e.g. jvandertil/blog "Using built-in SSH with Git on Windows 10").
 */
export const WINDOWS_OPENSSH_SSH_EXAMPLE = 'C:/Windows/System32/OpenSSH/ssh.exe';

/** [OFFICIAL] Tools run by absolute path under %SystemRoot%, never from the PATH. */
export const WINDOWS_SYSTEM_TOOLS = {
  taskkill: 'System32/taskkill.exe',
  icacls: 'System32/icacls.exe',
  sc: 'System32/sc.exe',
  whoami: 'System32/whoami.exe',
  tasklist: 'System32/tasklist.exe',
} as const;

/** [OFFICIAL] `taskkill /T /F /PID n` ends process n and every process it started ("/T Terminates the specified process and any child processes"). */
export const TASKKILL_TREE_ARGS = (pid: number): string[] => ['/T', '/F', '/PID', String(pid)];

/** Where Windows keeps named pipes; `readdir` of it lists them. [OFFICIAL] "\\.\pipe\" namespace. */
export const WINDOWS_PIPE_DIR = '\\\\.\\pipe\\';

// ─── SSH agents on Windows ────────────────────────────────────────────────────────────────────────

/**
 * [SOURCE] The Windows OpenSSH agent (service "ssh-agent", "OpenSSH Authentication Agent") listens on
 * this pipe (PowerShell/openssh-portable contrib/win32/win32compat/ssh-agent/agent.c AGENT_PIPE_ID), and
 * Windows' ssh/ssh-add use it when SSH_AUTH_SOCK is unset (wmain_common.c; a915f06c, 2024-10-14).
 */
export const WINDOWS_OPENSSH_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';
export const WINDOWS_OPENSSH_AGENT_PIPE_NAME = 'openssh-ssh-agent';
export const WINDOWS_OPENSSH_AGENT_SERVICE = 'ssh-agent';

/**
 * [OFFICIAL] The ssh-agent service is installed with start type Disabled ("By default the ssh-agent
 * service is disabled", MicrosoftDocs/windowsserverdocs PR #4949); ssh-add then says "Error connecting
 * to agent: No such file or directory" and ssh-agent "unable to start ssh-agent service, error :1058"
 * (MicrosoftDocs/windowsserverdocs issue #2235).
 */
export const WINDOWS_AGENT_DISABLED_BY_DEFAULT = true;

/**
 * [SOURCE] Pageant 0.75+ also listens on `\\.\pipe\pageant.<user>.<hash>`, the hash a hex SHA-256 of a
 * per-user CryptProtectMemory secret (PuTTY windows/utils/agent_named_pipe_name.c + cryptoapi.h
 * capi_obfuscate_string). Older Pageant only answers WM_COPYDATA to its "Pageant" window.
 * OpenSSH for Windows talks to that pipe when IdentityAgent/SSH_AUTH_SOCK names it (Pageant
 * `--openssh-config`); plink/TortoisePlink find Pageant by themselves.
 */
export const PAGEANT_PIPE_PATTERN = /^pageant\.(.+)\.([0-9a-f]{64})$/i;
export const PAGEANT_IMAGE_NAMES: readonly string[] = ['pageant.exe'];

/** [SOURCE] Git for Windows ships ssh-pageant (usr/bin/ssh-pageant.exe): it bridges Pageant to an SSH_AUTH_SOCK socket for Git's own ssh. */
export const GFW_SSH_PAGEANT = 'usr/bin/ssh-pageant.exe';

// ─── Private-key permissions as OpenSSH for Windows checks them ───────────────────────────────────

/**
 * [SOURCE] OpenSSH for Windows refuses a private key ("UNPROTECTED PRIVATE KEY FILE", "Bad
 * permissions. Try removing permissions for user: ...") unless its owner is the user, SYSTEM,
 * Administrators or TrustedInstaller, and every ALLOW entry of its DACL is for one of those, whatever
 * the access (authfile.c sshkey_perm_ok → contrib/win32/win32compat/w32-sshfileperm.c
 * check_secure_file_permission with read_ok=0; deny entries are ignored). Well-known SIDs:
 */
export const SID_LOCAL_SYSTEM = 'S-1-5-18';
export const SID_BUILTIN_ADMINISTRATORS = 'S-1-5-32-544';
export const SID_TRUSTED_INSTALLER = 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464';

/** [OFFICIAL] SDDL aliases of well-known SIDs (learn.microsoft.com "SID strings"). */
export const SDDL_SID_ALIASES: Readonly<Record<string, string>> = {
  SY: SID_LOCAL_SYSTEM,
  BA: SID_BUILTIN_ADMINISTRATORS,
  BU: 'S-1-5-32-545',
  BG: 'S-1-5-32-546',
  WD: 'S-1-1-0',
  AU: 'S-1-5-11',
  IU: 'S-1-5-4',
  NU: 'S-1-5-2',
  SU: 'S-1-5-6',
  AN: 'S-1-5-7',
  LS: 'S-1-5-19',
  NS: 'S-1-5-20',
  CO: 'S-1-3-0',
  CG: 'S-1-3-1',
  OW: 'S-1-3-4',
  PU: 'S-1-5-32-547',
  RD: 'S-1-5-32-555',
};

/** SIDs OpenSSH for Windows accepts in a private key's DACL besides the user's own. */
export const KEY_ACL_ALLOWED_SIDS: readonly string[] = [SID_LOCAL_SYSTEM, SID_BUILTIN_ADMINISTRATORS, SID_TRUSTED_INSTALLER];

/**
 * [3RD-PARTY] What OpenSSH for Windows prints for such a key, e.g. "Bad permissions. Try removing
 * permissions for user: BUILTIN\\Users (S-1-5-32-545) on file C:/ProgramData/bbs-agent/ssh_key."
 * then "Permissions for 'C:/...' are too open." (marcpope/borgbackupserver issue #23, 2026-03-01;
 * PowerShell/Win32-OpenSSH issue #898).
 */
export const WINDOWS_BAD_PERMISSIONS = /Bad permissions\. Try removing permissions for user: ([^\n]{1,256}?) \((S-[\d-]{1,200})\) on file ([^\n]{1,1024}?)\.[ \t\r]*$/m;
export const WINDOWS_TOO_OPEN = /Permissions for '([^'\n]{1,1024})' are too open\./;
