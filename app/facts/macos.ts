/**
 * Facts about macOS, Apple's command line tools and Homebrew's, and about how a desktop app gets
 * its user's environment, each with its source. Rules read these values; the next change (a new
 * Apple OpenSSH, a new Homebrew prefix) is a one-line edit here.
 *
 * Source labels as in bitbucket.ts: [OFFICIAL] vendor docs or source code, [3RD-PARTY] reproducible
 * user reports, [DERIVED] inferred from the above.
 */

// ─── Where a Finder-launched app starts ───────────────────────────────────────────────────────────

/**
 * [3RD-PARTY] An app started from Finder, the Dock or Spotlight gets launchd's environment, not the
 * terminal's: `PATH = /usr/bin:/bin:/usr/sbin:/sbin` (qutebrowser/qutebrowser#4273, justrach/codegraff#40).
 */
export const LAUNCHD_DEFAULT_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

/**
 * [OFFICIAL] How an editor resolves the login shell's environment at start (microsoft/vscode
 * src/vs/platform/shell/node/shellEnv.ts): never on Windows, not when started from its CLI (the
 * environment already has it), once per process, the user's shell run with `-i -l -c` (`-i -c` for
 * tcsh, whose `-l` must be the only flag), the output read between two random markers, given up
 * after 10 seconds (MAX_SHELL_RESOLVE_TIME = 10000), a marker variable set so a profile can tell.
 */
export const LOGIN_SHELL_TIMEOUT_MS = 10_000;

/** Set (to "1") while Push Doctor's login shell runs, so a slow profile can skip work: `[ -n "$PUSH_DOCTOR_RESOLVING_ENVIRONMENT" ] && return`. */
export const RESOLVING_ENVIRONMENT_VARIABLE = 'PUSH_DOCTOR_RESOLVING_ENVIRONMENT';

/**
 * [OFFICIAL] macOS `env -0` ends each variable with NUL instead of a newline (env(1) of current
 * macOS, https://keith.github.io/xcode-man-pages/env.1.html); older macOS env(1) has no `-0`
 * (https://man.imzye.com/MacOS/env/), GNU and busybox env have it.
 */
export const ENV_PROGRAM = '/usr/bin/env';

// ─── Apple's command line tools ───────────────────────────────────────────────────────────────────

/**
 * [OFFICIAL] Apple's own tools live in /usr/bin; System Integrity Protection lets only Apple-signed
 * system processes write to /usr (except /usr/local), so a program found there is Apple's (ssh,
 * ssh-add, and the git stand-in below): https://support.apple.com/guide/platform-support/sup898b4a0db/web
 * and Apple's System Integrity Protection Guide, "File System Protections".
 */
export const APPLE_TOOLS_DIR = '/usr/bin';

/**
 * [3RD-PARTY] /usr/bin/git is a stand-in that runs git from the active developer directory. When
 * there is none, running it opens the "install the command line developer tools" dialog
 * (17ringe/dotfiles#2), and `xcode-select -p` fails with "xcode-select: error: Unable to get active
 * developer directory" (Swiss-Mac-User/macOS-scripted-setup#8, macOS 14.6.1). A developer directory
 * that was removed gives "xcrun: error: invalid active developer path (...), missing xcrun"
 * (ribernhard/PS239T#3). The real git is `<developer dir>/usr/bin/git` (Command Line Tools:
 * /Library/Developer/CommandLineTools; Xcode: /Applications/Xcode.app/Contents/Developer).
 */
export const APPLE_GIT_STANDIN = 'git';
export const XCODE_SELECT = 'xcode-select';
export const DEVELOPER_DIR_GIT = 'usr/bin/git';
export const INSTALL_DEVELOPER_TOOLS_COMMAND = 'xcode-select --install';

// ─── Apple's OpenSSH and Homebrew's ───────────────────────────────────────────────────────────────

/**
 * `ssh -V` (on stderr) names the crypto library: Apple builds OpenSSH with LibreSSL, Homebrew with
 * OpenSSL. Recorded outputs:
 * - [3RD-PARTY] Apple, macOS 15.2, Terminal's default ssh: "OpenSSH_9.8p1, LibreSSL 3.3.6"
 *   (warpdotdev/warp#5550); macOS 26 (Darwin 25.5.0), "/usr/bin/ssh": "OpenSSH_10.2p1, LibreSSL 3.3.6"
 *   (warpdotdev/warp#12137).
 * - [3RD-PARTY] Apple, OS X 10.11 (before Apple OpenSSH 8.6): "OpenSSH_6.9p1, LibreSSL 2.1.8" (cowrie/cowrie#106,
 *   /Users/... paths, 2016).
 * - [3RD-PARTY] Homebrew, `brew install openssh` then `ssh -V`: "OpenSSH_9.9p1, OpenSSL 3.4.0 22 Oct 2024";
 *   on macOS (darwin x64) next to "Bad configuration option: usekeychain": "OpenSSH_8.1p1, OpenSSL 1.1.1d
 *   10 Sep 2019" (microsoft/vscode-remote-release#2111).
 */
export const APPLE_OPENSSH_LIBRARY = 'LibreSSL';

/** Recorded `ssh -V` lines (sources above), for tests and for the words of findings. */
export const RECORDED_SSH_VERSIONS = {
  appleSequoia: 'OpenSSH_9.8p1, LibreSSL 3.3.6',
  appleTahoe: 'OpenSSH_10.2p1, LibreSSL 3.3.6',
  appleElCapitan: 'OpenSSH_6.9p1, LibreSSL 2.1.8',
  homebrew: 'OpenSSH_9.9p1, OpenSSL 3.4.0 22 Oct 2024',
  homebrewOld: 'OpenSSH_8.1p1, OpenSSL 1.1.1d  10 Sep 2019',
} as const;

/**
 * [OFFICIAL] Apple's ssh-add keeps a key's passphrase in the login keychain with
 * `--apple-use-keychain` from Apple OpenSSH 8.6p1 on (apple-oss-distributions/OpenSSH tag
 * OpenSSH-267.40.5, ssh-add.c longopts; macOS 12 Monterey, github/docs#19157); before that with
 * `-K` (tag OpenSSH-240.40.1, OpenSSH 8.1p1), which later versions still accept with a deprecation
 * warning. Upstream OpenSSH's `-K` means "load resident keys from a FIDO authenticator"
 * (openssh-portable ssh-add.1), and neither flag exists in Homebrew's ssh-add.
 */
export const APPLE_KEYCHAIN_FLAG = '--apple-use-keychain';
export const APPLE_KEYCHAIN_FLAG_OLD = '-K';
export const APPLE_KEYCHAIN_FLAG_SINCE = { major: 8, minor: 6 } as const;

/**
 * [OFFICIAL] `UseKeychain` exists only in Apple's OpenSSH (apple-oss-distributions/OpenSSH
 * readconf.c oUseKeychain); any other ssh stops at it: "Bad configuration option: usekeychain",
 * "terminating, 1 bad configuration options" (microsoft/vscode-remote-release#2111), also when the
 * line sits in a Host block for another host (openssh-portable readconf.c parses every keyword
 * before it checks whether the block applies).
 */
export const APPLE_ONLY_SSH_KEYWORD = 'UseKeychain';

/**
 * [OFFICIAL] `IgnoreUnknown` makes ssh skip the listed unknown keywords, but only those that come
 * after it, and like every string option only its first value counts (openssh-portable
 * readconf.c: parse_token consults options->ignored_unknown as set so far; parse_string keeps the
 * first value; ssh_config(5): "it is recommended that IgnoreUnknown be listed early"). An earlier
 * `IgnoreUnknown` pulled in by an Include silently wins (d12frosted/environment#56).
 */
export const IGNORE_UNKNOWN_KEYWORD = 'IgnoreUnknown';

