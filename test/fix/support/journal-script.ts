// Child process of the recovery tests (test/fix/recovery.test.ts), run with the crash sweep's hook
// (test/crash/support/crash-hook.mjs) so that PUSH_DOCTOR_CRASH_AT kills it at a write point.
// `apply`: one change that edits ~/.ssh/config, makes a folder and a key in it, and edits a git
// config file with three edits; `undo`: undoes the last change.
import path from 'node:path';
import { createContext } from '../../../app/context.js';
import { beginChange } from '../../../app/fix/step-recorder.js';
import { undoLast } from '../../../app/fix/undo.js';

const [command, home] = process.argv.slice(2);
if (!command || !home) throw new Error('usage: journal-script apply|undo HOME');
const ctx = createContext({ env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') } });
if (command === 'apply') {
  const change = await beginChange(ctx, { fixId: 'ssh.configure-host', repo: null });
  await change.writeFile(path.join(home, '.ssh', 'config'), 'Host bitbucket.org\n  IdentityFile ~/.ssh/keys/id_ed25519\n');
  await change.ensureDir(path.join(home, '.ssh', 'keys'), 0o700);
  await change.createFile(path.join(home, '.ssh', 'keys', 'id_ed25519'), 'PRIVATE KEY\n', 0o600);
  await change.editGitConfig(path.join(home, '.gitconfig'), [['--unset-all', 'core.sshCommand'], ['--add', 'credential.helper', ''], ['--add', 'credential.helper', 'libsecret']]);
  await change.commit();
} else {
  const result = await undoLast(ctx);
  if (!result.undone) throw new Error(result.message);
}
