/**
 * Every test file that applies fixes and undoes them. vitest.config.ts runs them twice: on the
 * desktop machine (project "engine") and on the headless one (project "headless", machine.ts).
 * headless-machine.test.ts checks that every fix id is exercised by one of them.
 */
export const FIX_SUITES = [
  'test/fix/https-fixes.test.ts',
  'test/fix/remote-url-fixes.test.ts',
  'test/fix/gcm-wsl-fixes.test.ts',
  'test/fix/ssh-fixes.test.ts',
  'test/fix/ssh-repairs.test.ts',
  'test/fix/fixes.test.ts',
  'test/fix/journal.test.ts',
  'test/fix/undo-secrets.test.ts',
  'test/engine/windows-agents.test.ts',
  'test/engine/account-diagnosis.test.ts',
  'test/cli/fix-https.test.ts',
  'test/cli/keygen-test-undo.test.ts',
];
