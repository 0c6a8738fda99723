/**
 * Every test file under test/ is in one of two lists, decided for the windows-latest CI runner
 * (windows-exclusions.test.ts fails on a file in neither, so a new file is decided when it is added):
 * - WINDOWS_EXCLUSIONS: files that cannot run on Windows, each with the reason. The vitest config
 *   leaves them out there, and windows-exclusions.test.ts lists every one as a skipped test whose
 *   name carries the reason, so a Windows run shows what it did not prove.
 * - RUN_ON_WINDOWS: files that run there: each of their tests passes, or skips with the reason in
 *   its name (blocks that need POSIX parts, Linux or macOS; see support/platform.ts).
 */
const SSH_SCENARIOS = 'the SSH scenarios drive OpenSSH with POSIX paths (/dev/null, -F files), ssh-agent Unix sockets and sh scripts';
const HTTP_FAKES = "the HTTPS fakes run git http-backend behind sh credential helpers and the Secret Service keyring";
const MODES = 'checks POSIX file modes (0600/0700), which NTFS does not have (Windows ACLs: key-acl.test.ts)';
const TEST_HOME = "the test home's git config runs `ssh -F` with POSIX paths and the tests start sh scripts";
const SECRET_PLANTS = "the secret sweep plants its secrets through sh helpers, git's cache helper and an ssh-agent (Unix sockets)";
const REPO_SCRIPTS = "the commands the repository's own config names are sh scripts (#!/bin/sh) that leave a marker, run beside the SSH scenarios";
const CACHE_HELPER = "git's cache helper keeps the test credentials: a Unix-socket daemon that Git for Windows has only since 2.45, and not reliably (git-for-windows/git#3892, #5314)";

export const WINDOWS_EXCLUSIONS: Readonly<Record<string, string>> = {
  'test/cli/diagnose-e2e.test.ts': SSH_SCENARIOS,
  'test/cli/diagnose-input.test.ts': TEST_HOME,
  'test/cli/fix-https.test.ts': HTTP_FAKES,
  'test/cli/keygen-test-undo.test.ts': MODES,
  'test/cli/repo-commands.test.ts': REPO_SCRIPTS,
  'test/engine/account-diagnosis.test.ts': `${SSH_SCENARIOS}; ${CACHE_HELPER}`,
  'test/engine/ambiguous-answers.test.ts': CACHE_HELPER,
  'test/engine/credentials-fill.test.ts': HTTP_FAKES,
  'test/engine/credentials-helpers.test.ts': 'its helpers are sh scripts (#!/bin/sh)',
  'test/engine/credentials-store-file.test.ts': TEST_HOME,
  'test/engine/fleet.test.ts': `${SSH_SCENARIOS}; Ctrl-C reaches push-doctor test as SIGINT`,
  'test/engine/https-checks.test.ts': HTTP_FAKES,
  'test/engine/https-probe.test.ts': HTTP_FAKES,
  'test/engine/known-hosts.test.ts': 'hashes known_hosts with ssh-keygen -H from the PATH and compares POSIX paths',
  'test/engine/repo-commands.test.ts': REPO_SCRIPTS,
  'test/engine/repository.test.ts': TEST_HOME,
  'test/engine/ssh-checks.test.ts': SSH_SCENARIOS,
  'test/engine/ssh-command.test.ts': 'runs the real ssh -G with -F /dev/null',
  'test/engine/ssh-local.test.ts': SSH_SCENARIOS,
  'test/engine/ssh-safety.test.ts': SSH_SCENARIOS,
  'test/fix/atomic-write.test.ts': MODES,
  'test/fix/fixes.test.ts': MODES,
  'test/fix/gcm-wsl-fixes.test.ts': "the stand-ins for Git Credential Manager and WSL's cmd.exe are sh scripts (WSL is Linux: the WSL cases run there and on macOS)",
  'test/fix/git-config-files.test.ts': TEST_HOME,
  'test/fix/https-fixes.test.ts': HTTP_FAKES,
  'test/fix/journal.test.ts': MODES,
  'test/fix/keygen.test.ts': MODES,
  'test/fix/known-hosts-edit.test.ts': MODES,
  'test/fix/macos-tools.test.ts': "the fake Apple and Homebrew tools are sh scripts on a ':'-separated PATH (the macOS branches run for real on the macos-latest runner)",
  'test/fix/remote-url-fixes.test.ts': TEST_HOME,
  'test/fix/secure-helper.test.ts': HTTP_FAKES,
  'test/fix/ssh-fixes.test.ts': SSH_SCENARIOS,
  'test/fix/ssh-repairs.test.ts': SSH_SCENARIOS,
  'test/fix/undo-secrets.test.ts': 'needs the Secret Service keyring (gnome-keyring over D-Bus)',
  'test/main/account-retest.test.ts': SSH_SCENARIOS,
  'test/main/clipboard.test.ts': TEST_HOME,
  'test/main/engine-wiring.test.ts': MODES,
  'test/main/handlers.test.ts': SSH_SCENARIOS,
  'test/main/state-store.test.ts': SSH_SCENARIOS,
  'test/main/trust.test.ts': REPO_SCRIPTS,
  'test/secrets/cli.test.ts': SECRET_PLANTS,
  'test/secrets/ipc.test.ts': SECRET_PLANTS,
};

/**
 * Test files that run on Windows. A name ending in "/" stands for every test file in that folder:
 * only test/renderer/, React components in jsdom, which touch nothing of the system.
 */
export const RUN_ON_WINDOWS: readonly string[] = [
  'test/cli/account-cli.test.ts',
  'test/cli/account-e2e.test.ts',
  'test/cli/cli-install.test.ts',
  'test/cli/startup-imports.test.ts',
  'test/crash/coverage.test.ts',
  'test/crash/credentials.test.ts',
  'test/crash/keyring.test.ts',
  'test/crash/remotes.test.ts',
  'test/crash/seam.test.ts',
  'test/crash/ssh.test.ts',
  'test/crash/state-store.test.ts',
  'test/e2e/account-flow.test.ts',
  'test/e2e/bad-drop.test.ts',
  'test/e2e/bundle-size.test.ts',
  'test/e2e/https-flow.test.ts',
  'test/e2e/preview-server.test.ts',
  'test/e2e/ssh-flow.test.ts',
  'test/e2e/trust-settings.test.ts',
  'test/electron/cli-mode.test.ts',
  'test/electron/smoke.test.ts',
  'test/engine/account-api.test.ts',
  'test/engine/account-findings.test.ts',
  'test/engine/account-keyring.test.ts',
  'test/engine/account-no-keyring.test.ts',
  'test/engine/account-ui-fixtures.test.ts',
  'test/engine/ci-workflow.test.ts',
  'test/engine/credential-handoff.test.ts',
  'test/engine/credentials-classify.test.ts',
  'test/engine/fingerprint.test.ts',
  'test/engine/git-runtime.test.ts',
  'test/engine/https-classify.test.ts',
  'test/engine/key-acl.test.ts',
  'test/engine/limiter.test.ts',
  'test/engine/login-shell.test.ts',
  'test/engine/remote-summary.test.ts',
  'test/engine/report-markdown.test.ts',
  'test/engine/run.test.ts',
  'test/engine/ssh-classify.test.ts',
  'test/engine/transport-settings.test.ts',
  'test/engine/url.test.ts',
  'test/engine/windows-agents.test.ts',
  'test/engine/windows-exclusions.test.ts',
  'test/engine/wsl.test.ts',
  'test/faults/cancel.test.ts',
  'test/faults/network.test.ts',
  'test/faults/tools.test.ts',
  'test/fix/headless-machine.test.ts',
  'test/fix/macos-keychain.test.ts',
  'test/fix/recovery.test.ts',
  'test/fix/ssh-config-edit.test.ts',
  'test/fix/undo-keychain.test.ts',
  'test/fix/url-edit.test.ts',
  'test/fuzz/bounded-output.test.ts',
  'test/fuzz/config-files.test.ts',
  'test/fuzz/ipc.test.ts',
  'test/fuzz/output-classifiers.test.ts',
  'test/fuzz/urls.test.ts',
  'test/main/account.test.ts',
  'test/main/app-protocol.test.ts',
  'test/main/cli-install-menu.test.ts',
  'test/main/cli-launcher.test.ts',
  'test/main/cli-mode.test.ts',
  'test/main/contract.test.ts',
  'test/main/external.test.ts',
  'test/main/icons.test.ts',
  'test/main/ipc.test.ts',
  'test/main/lifecycle.test.ts',
  'test/main/packaging.test.ts',
  'test/main/preload.test.ts',
  'test/main/repo-open.test.ts',
  'test/main/retest.test.ts',
  'test/main/tray.test.ts',
  'test/main/window.test.ts',
  'test/renderer/',
  'test/scripts/ensure-electron.test.ts',
  'test/scripts/npm-package.test.ts',
  'test/secrets/regressions.test.ts',
];

/** The files to leave out on this platform (none but on Windows). */
export function excludedHere(platform: NodeJS.Platform = process.platform): string[] {
  return platform === 'win32' ? Object.keys(WINDOWS_EXCLUSIONS) : [];
}

/** How a test file is decided for Windows: left out (with the reason), run, or not decided yet (null). Pure. */
export function windowsDecision(file: string): { runs: false; reason: string } | { runs: true } | null {
  const reason = WINDOWS_EXCLUSIONS[file];
  if (reason !== undefined) return { runs: false, reason };
  if (RUN_ON_WINDOWS.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry))) return { runs: true };
  return null;
}
