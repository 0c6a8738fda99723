/**
 * Test files that cannot run on Windows (the windows-latest CI runner), each with the reason. The
 * vitest config leaves them out there, and windows-exclusions.test.ts lists every one as a skipped
 * test whose name carries the reason, so a Windows run shows what it did not prove. Files that mix
 * both kinds skip per block instead (see support/platform.ts).
 */
const SSH_SCENARIOS = 'the SSH scenarios drive OpenSSH with POSIX paths (/dev/null, -F files), ssh-agent Unix sockets and sh scripts';
const HTTP_FAKES = "the HTTPS fakes run git http-backend behind sh credential helpers and the Secret Service keyring";
const MODES = 'checks POSIX file modes (0600/0700), which NTFS does not have (Windows ACLs: key-acl.test.ts)';
const TEST_HOME = "the test home's git config runs `ssh -F` with POSIX paths and the tests start sh scripts";

export const WINDOWS_EXCLUSIONS: Readonly<Record<string, string>> = {
  'test/engine/credentials-fill.test.ts': HTTP_FAKES,
  'test/engine/credentials-helpers.test.ts': 'its helpers are sh scripts (#!/bin/sh)',
  'test/engine/credentials-store-file.test.ts': TEST_HOME,
  'test/engine/https-checks.test.ts': HTTP_FAKES,
  'test/engine/https-probe.test.ts': HTTP_FAKES,
  'test/engine/known-hosts.test.ts': 'hashes known_hosts with ssh-keygen -H from the PATH and compares POSIX paths',
  'test/engine/repository.test.ts': TEST_HOME,
  'test/engine/ssh-checks.test.ts': SSH_SCENARIOS,
  'test/engine/ssh-command.test.ts': 'runs the real ssh -G with -F /dev/null',
  'test/engine/ssh-local.test.ts': SSH_SCENARIOS,
  'test/engine/ssh-safety.test.ts': SSH_SCENARIOS,
  'test/fix/atomic-write.test.ts': MODES,
  'test/fix/fixes.test.ts': MODES,
  'test/fix/git-config-files.test.ts': TEST_HOME,
  'test/fix/https-fixes.test.ts': HTTP_FAKES,
  'test/fix/journal.test.ts': MODES,
  'test/fix/keygen.test.ts': MODES,
  'test/fix/known-hosts-edit.test.ts': MODES,
  'test/fix/remote-url-fixes.test.ts': TEST_HOME,
  'test/fix/secure-helper.test.ts': HTTP_FAKES,
  'test/fix/ssh-fixes.test.ts': SSH_SCENARIOS,
  'test/fix/ssh-repairs.test.ts': SSH_SCENARIOS,
  'test/fix/undo-secrets.test.ts': 'needs the Secret Service keyring (gnome-keyring over D-Bus)',
  'test/cli/diagnose-e2e.test.ts': SSH_SCENARIOS,
  'test/cli/diagnose-input.test.ts': TEST_HOME,
  'test/cli/fix-https.test.ts': HTTP_FAKES,
  'test/cli/keygen-test-undo.test.ts': MODES,
  'test/main/clipboard.test.ts': TEST_HOME,
  'test/main/engine-wiring.test.ts': MODES,
  'test/main/handlers.test.ts': SSH_SCENARIOS,
  'test/main/state-store.test.ts': SSH_SCENARIOS,
};

/** The files to leave out on this platform (none but on Windows). */
export function excludedHere(platform: NodeJS.Platform = process.platform): string[] {
  return platform === 'win32' ? Object.keys(WINDOWS_EXCLUSIONS) : [];
}
