import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { fillCredential } from '../../app/credentials/fill.js';
import { describeOutcome, resolveLoginShellEnvironment } from '../../app/env/login-shell.js';
import { beginChange } from '../../app/fix/step-recorder.js';
import { undoLast } from '../../app/fix/undo.js';
import { applyFix } from '../../app/fix/registry.js';
import { resolveFixScope } from '../../app/fix/scope.js';
import { statePaths } from '../../app/fix/state-dir.js';
import { undoSecretsDir } from '../../app/fix/undo-secrets.js';
import { readRepoCommands } from '../../app/repo/repo-commands.js';
import { maskSecret } from '../../app/secrets/mask.js';
import { redactOpaque } from '../../app/secrets/redact.js';
import { createHome, type TestHome } from '../support/home.js';
import { makeKey } from '../support/ssh-scenario.js';
import { textUnder } from '../support/tree.js';
import { posixModes, skipNote } from '../support/platform.js';
import { shapeless } from './support/plants.js';

/**
 * Leaks the secret sweep found, each pinned by name where it was fixed (see the sweep's tests in
 * this folder for how they were found).
 */
let home: TestHome;
let ctx: EngineContext;
beforeEach(async () => {
  home = await createHome('sweep-regression-');
  ctx = home.context();
});
afterEach(async () => {
  await home.cleanup();
});

describe.skipIf(posixModes.skip)(`regression: the backup of a git config file a fix edits is an undo secret${skipNote(posixModes)}`, () => {
  // Found by the sweep: credential.use-secure-helper edits .git/config, and its backup went to the
  // state folder's ordinary backups, with a password written in a `!` helper, a pushurl password
  // and an extra Authorization header in it. Every git config backup is now kept as an undo secret.
  it('a pushurl password, a `!` helper password and an extra header stay out of backups/, and undo puts the file back', async () => {
    const [pushurl, inline, bearer] = [shapeless('push'), shapeless('inline'), shapeless('bearer')];
    const repo = await home.repo();
    const config = path.join(repo, '.git', 'config');
    await home.git(['remote', 'add', 'mirror', 'https://bitbucket.org/acme/mirror.git'], repo);
    await home.git(['config', 'remote.mirror.pushurl', `https://jdoe:${pushurl}@bitbucket.org/acme/mirror.git`], repo);
    await home.git(['config', 'credential.https://bitbucket.org.helper', `!f() { printf 'username=%s\\npassword=%s\\n' jdoe '${inline}'; }; f`], repo);
    await home.git(['config', 'http.https://bitbucket.org/.extraHeader', `Authorization: Bearer ${bearer}`], repo);
    const before = await readFile(config);

    const change = await beginChange(ctx, { fixId: 'credential.use-secure-helper', repo });
    await change.editGitConfig(config, [['credential.https://bitbucket.org.useHttpPath', 'false']], { cwd: repo });
    await change.commit();

    const elsewhere = await textUnder(ctx.stateDir, { exclude: [undoSecretsDir(ctx.stateDir)] });
    for (const secret of [pushurl, inline, bearer]) expect(elsewhere).not.toContain(secret);
    expect(await readdir(statePaths(ctx).backups).catch(() => [])).toEqual([]);
    const kept = await readdir(undoSecretsDir(ctx.stateDir));
    expect(kept).toHaveLength(1);
    expect(((await stat(path.join(undoSecretsDir(ctx.stateDir), kept[0]!))).mode & 0o777).toString(8)).toBe('600');

    expect(await undoLast(ctx)).toMatchObject({ undone: true });
    expect(await readFile(config)).toEqual(before);
    expect(await readdir(undoSecretsDir(ctx.stateDir)).catch(() => [])).toEqual([]);
  });
});

describe.skipIf(posixModes.skip)(`regression: a password written in a repository's own credential helper is masked where the helper is shown${skipNote(posixModes)}`, () => {
  // Found by the sweep: `!f() { printf 'username=%s\npassword=%s\n' jdoe 'PASSWORD'; }; f` kept its
  // password in the trust prompt (repo.open, trust.grant, trust.list), the app's state file and the
  // renderer: only `password=VALUE` was masked, and the prompt comes before anything runs.
  it('the command shown for trust (repo.open, trust.grant, trust.list, the state file) has its literal password masked', async () => {
    const password = 'Gen3rated-Passw0rd-8c1fQ2zLx7';
    const repo = await home.repo();
    const helper = `!f() { printf 'username=%s\\npassword=%s\\n' jdoe '${password}'; }; f`;
    await home.git(['config', 'credential.https://bitbucket.org.helper', helper], repo);
    const [command] = await readRepoCommands(ctx, repo);
    expect(command).toMatchObject({ kind: 'credential-helper', key: 'credential.https://bitbucket.org.helper' });
    expect(command!.command).toBe(`f() { printf 'username=%s\\npassword=•••••' jdoe '${maskSecret(password)}'; }; f`);
    expect(command!.command).not.toContain(password.slice(4, -4));
  });
});

describe('regression: words nobody can tell are secrets are masked only when they look generated', () => {
  it.each([
    ['a generated token', 'echo Xy7pQ2mN9vR4tK8wL3 done', `echo ${maskSecret('Xy7pQ2mN9vR4tK8wL3')} done`],
    ['a path keeps its words', 'ssh -i ~/.ssh/id_ed25519_bitbucket2024 -F /home/u/.ssh/Config2024Backup', 'ssh -i ~/.ssh/id_ed25519_bitbucket2024 -F /home/u/.ssh/Config2024Backup'],
    ['short and one-kind words stay', 'git-credential-manager-core store --timeout=3600 BITBUCKET_API_TOKEN', 'git-credential-manager-core store --timeout=3600 BITBUCKET_API_TOKEN'],
    ['a shell error quoting a value', "bash: export: `pro-Ab3dEf9hIj2kLm5nOp': not a valid identifier", `bash: export: \`${maskSecret('pro-Ab3dEf9hIj2kLm5nOp')}': not a valid identifier`],
  ])('%s', (_name, text, expected) => {
    expect(redactOpaque(text)).toBe(expected);
  });
});

const noBash = process.platform === 'win32' ? 'Windows resolves no login shell' : existsSync('/bin/bash') ? null : 'no /bin/bash here';
describe.skipIf(noBash)(`regression: the login shell's last words in the app's log mask a token${noBash ? ` (skipped: ${noBash})` : ''}`, () => {
  // Found by the sweep: a profile with `export BITBUCKET_TOKEN= VALUE` (a space after the =) makes
  // bash name VALUE as "not a valid identifier"; when the profile then leaves, that line was quoted
  // whole in the log line the app writes at start.
  it('"it said: …" keeps the shell\'s words and masks the value', async () => {
    const token = 'bbt-Qm7Xc2Lp9Rt4Vw8Yz3Kd6';
    await writeFile(path.join(home.dir, '.profile'), `export BITBUCKET_TOKEN= ${token}\nexit 3\n`);
    const { outcome } = await resolveLoginShellEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: home.dir, USER: 'jdoe' }, platform: process.platform, stdinIsTerminal: false, shell: '/bin/bash', timeoutMs: 10_000 });
    const line = describeOutcome(outcome);
    expect(line).toMatch(/exited with code 3 without printing its environment \(it said: .*not a valid identifier\)$/);
    expect(line).toContain(maskSecret(token));
    expect(line).not.toContain(token.slice(4, -4));
  });
});

describe.skipIf(posixModes.skip)(`regression: what a credential helper prints on stderr is shown with every secret in it masked${skipNote(posixModes)}`, () => {
  // Found by the sweep: a helper that logs its refresh token on stderr had that line quoted whole in
  // the diagnosis's evidence (only the secrets the run knew were masked, and the password it answered
  // with was learnt only after its stderr had been redacted).
  it('the refresh token and the password a helper repeats on stderr are masked in the evidence', async () => {
    const [refresh, password] = ['rt-Lq8Wm2Xc7Np4Rv9Tz3Bk6', 'pw-Hs5Jd8Kf2Lg7Qa4Zx9Cv1'];
    const helper = path.join(home.dir, 'chatty-helper');
    await writeFile(helper, `#!/bin/sh\ntest "$1" = get || exit 0\necho "chatty: refresh token ${refresh}" >&2\necho "chatty: password ${password}" >&2\nprintf 'username=jdoe\\npassword=%s\\n' '${password}'\n`, { mode: 0o755 });
    const repo = await home.repo();
    await home.git(['config', 'credential.helper', helper], repo);
    const filled = await fillCredential(ctx, repo, 'https://jdoe@bitbucket.org/acme/widgets.git');
    expect(filled.status).toBe('found');
    expect(filled.evidence).toEqual([`chatty: refresh token ${maskSecret(refresh)}`, `chatty: password ${maskSecret(password)}`]);
  });
});

describe.skipIf(posixModes.skip)(`regression: the backup of ~/.ssh/config that ssh.configure-host changes is an undo secret${skipNote(posixModes)}`, () => {
  // Found by the sweep: the old ~/.ssh/config, with an sshpass password in another host's
  // ProxyCommand, was kept with the ordinary backups of the state folder.
  it("another host's sshpass password stays out of backups/, and undo puts the file back", async () => {
    const password = 'jump-Vb4Nm8Qw2Er6Ty1Ui5';
    const key = await makeKey(home, 'id_ed25519');
    const config = await home.writeSshConfig(`Host build-box\n  ProxyCommand sshpass -p '${password}' ssh -W %h:%p bastion.example.com\n`);
    const before = await readFile(config);
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'git@ssh.bitbucket.org:acme/widgets.git'], repo);
    const result = await applyFix(ctx, 'ssh.configure-host', await resolveFixScope(ctx, repo, 'origin'));
    expect(result, result.message).toMatchObject({ applied: true, changed: [config] });
    expect(await readFile(config, 'utf8')).toContain(key.path);
    expect(await textUnder(ctx.stateDir, { exclude: [undoSecretsDir(ctx.stateDir)] })).not.toContain(password);
    expect(await readdir(statePaths(ctx).backups).catch(() => [])).toEqual([]);
    expect(await undoLast(ctx)).toMatchObject({ undone: true });
    expect(await readFile(config)).toEqual(before);
  });
});
