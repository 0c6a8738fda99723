import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undoSecretsDir } from '../../app/fix/undo-secrets.js';
import type { FakeBitbucketHttp } from '../support/bitbucket-http.js';
import { runPushDoctor, type CliRun } from '../support/cli.js';
import { createFixBed, type FixBed } from '../support/fix-bed.js';
import { approveCredential, homeGit } from '../support/https-home.js';
import { MACHINE, onMachine } from '../support/machine.js';
import { textUnder } from '../support/tree.js';

// Planted secrets: if any of them shows up in any output or in the app's state folder, something leaked.
const APP_PASSWORD = 'ATBBq7Zr2xPlantedCliAppPw4sT8vW1yB3dF6hJ9kL0c2C1F';
const NEW_TOKEN = 'ATATT3xFfGF0PlantedCliNewToken7Lm2Zr8Xk4Nv6Bt1Yw9Hs3Jd5=9F2CA1B3';
const URL_TOKEN = 'ATATT3xFfGF0PlantedCliUrlToken9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1=ABCD1234';
const SECRETS = [APP_PASSWORD, NEW_TOKEN, URL_TOKEN];

/**
 * The `push-doctor fix` contract for the HTTPS repairs, through the real bundled CLI: exit codes,
 * the JSON shape, input on stdin only, undo, and no secret in any output or in the state folder
 * (but the 0600 files undo keeps plain-text secrets in). Desktop and headless (machine.ts).
 */
describe.skipIf(MACHINE.unavailable !== null)(onMachine('push-doctor fix for HTTPS findings, end to end'), () => {
  let bed: FixBed;
  let server: FakeBitbucketHttp;
  const outputs: string[] = [];
  beforeEach(async () => {
    bed = await createFixBed();
    server = await bed.serve({
      accounts: [
        { username: 'jdoe', secret: APP_PASSWORD, kind: 'app-password' },
        { username: 'jdoe', secret: NEW_TOKEN, kind: 'api-token' },
        { username: 'jdoe', secret: URL_TOKEN, kind: 'api-token' },
      ],
      repos: { 'acme/widgets.git': { jdoe: 'write' } },
    });
    outputs.length = 0;
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  async function cli(args: string[], input?: string): Promise<CliRun> {
    const run = await runPushDoctor(args, { env: bed.home.env, input });
    outputs.push(run.stdout, run.stderr);
    return run;
  }

  /** The home without the CLI's own state folder and the keyring's files (compared as items). */
  async function userState(repo: string) {
    const tree = await bed.userTree();
    for (const key of Object.keys(tree)) {
      if (key === '.local' || key.startsWith('.local/state') || (key.startsWith(`${path.relative(bed.home.dir, repo)}/.git/`) && !key.endsWith('.git/config'))) delete tree[key];
    }
    return { tree, keyring: await bed.keyringItems() };
  }

  const stateDir = () => path.join(bed.home.dir, '.local', 'state', 'push-doctor');
  /** Every state file but the 0600 undo-secret files (which keep what came from plain-text files). */
  const stateFiles = () => textUnder(stateDir(), { exclude: [undoSecretsDir(stateDir())] });

  function expectNoSecrets(text: string): void {
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
      expect(text).not.toContain(secret.slice(4, 24));
    }
  }

  async function cloudRepo(userinfo: string, helper: string): Promise<string> {
    await bed.route(server, userinfo);
    await bed.home.git(['config', '--global', 'credential.helper', helper]);
    const repo = await bed.home.repo();
    await bed.home.git(['remote', 'add', 'origin', `https://${userinfo}@bitbucket.org/acme/widgets.git`], repo);
    await writeFile(path.join(repo, 'change.txt'), 'to push\n');
    await bed.home.git(['add', 'change.txt'], repo);
    await bed.home.git(['commit', '-q', '-m', 'change'], repo);
    return repo;
  }

  it('clear then save-token (stdin JSON), push works, undo walks back; the contract and exit codes hold', async () => {
    const repo = await cloudRepo('jdoe', 'store');
    await approveCredential(bed.home, repo, `${server.url}/acme/widgets.git`, 'jdoe', APP_PASSWORD);
    const store = path.join(bed.home.dir, '.git-credentials');
    const before = await userState(repo);

    // No terminal and no --yes: shows the plan, changes nothing, exit 1.
    const dry = await cli(['fix', 'credential.clear', repo]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('Remove the saved credential jdoe@');
    expect(dry.stdout).toContain('(app password ATBB…2C1F)');
    expect(await userState(repo)).toEqual(before);
    // Unknown fix: usage error, exit 2.
    expect((await cli(['fix', 'credential.wipe-everything', repo])).code).toBe(2);

    const cleared = await cli(['fix', 'credential.clear', repo, '--yes', '--json']);
    expect(cleared.code).toBe(0);
    expect(JSON.parse(cleared.stdout)).toEqual({ id: 'credential.clear', applied: true, changed: [store], message: expect.stringMatching(/^Removed the saved credential jdoe@/) });
    const again = await cli(['fix', 'credential.clear', repo, '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: true, changed: [] });

    // A fix that needs input, without --input-stdin: exit 1, saying what it needs; nothing read from argv.
    const missing = await cli(['fix', 'credential.save-token', repo, '--yes', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).message).toBe('This fix needs username and token: pass them as one JSON object on stdin with --input-stdin, e.g. {"username": "...", "token": "..."}.');

    const refused = await cli(['fix', 'credential.save-token', repo, '--yes', '--json', '--input-stdin'], JSON.stringify({ username: 'jdoe', token: APP_PASSWORD }));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).message).toMatch(/^Not applied: This is an app password \(it starts with ATBB\);.*Nothing was changed\.$/);

    const saved = await cli(['fix', 'credential.save-token', repo, '--yes', '--input-stdin'], JSON.stringify({ username: 'jdoe', token: NEW_TOKEN }));
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^✓ Bitbucket accepted the token ATAT…A1B3 for reading and pushing; saved it for jdoe@/);
    expect(saved.stdout).toContain('Undo with: push-doctor undo');

    const diagnosed = await cli(['diagnose', repo, '--json']);
    expect(JSON.parse(diagnosed.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['https.plaintext-store', 'https.ok']);
    expect(await homeGit(bed.home, ['push', '-q', 'origin', 'HEAD:refs/heads/from-cli'], repo)).toMatchObject({ code: 0 });

    expectNoSecrets(await stateFiles());
    const undoSave = await cli(['undo', '--json']);
    expect(undoSave.code).toBe(0);
    expect(JSON.parse(undoSave.stdout)).toMatchObject({ undone: true, fixId: 'credential.save-token' });
    expect(JSON.parse((await cli(['undo', '--json'])).stdout)).toMatchObject({ undone: true, fixId: 'credential.clear' });
    expect((await cli(['undo', '--json'])).code).toBe(1);
    expect(await userState(repo)).toEqual(before);

    expectNoSecrets(outputs.join('\n'));
    expectNoSecrets(await stateFiles());
  });

  it(`remote.remove-secret through the CLI: the URL token never shows${MACHINE.keyring ? ', and it keeps working from the keyring' : ''}`, async () => {
    const repo = await cloudRepo(`jdoe:${URL_TOKEN}`, MACHINE.keeper);
    await bed.route(server, 'jdoe');
    const before = await userState(repo);
    const run = await cli(['fix', 'remote.remove-secret', repo, '--yes', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: 'remote.remove-secret',
      applied: true,
      changed: [...(MACHINE.keyring ? [`saved credential jdoe@${new URL(server.url).host} (helper libsecret)`] : []), path.join(repo, '.git', 'config')],
    });
    expect(await bed.home.git(['config', 'remote.origin.url'], repo)).toBe('https://jdoe@bitbucket.org/acme/widgets.git\n');
    expect(await homeGit(bed.home, ['push', '-q', 'origin', 'HEAD:refs/heads/from-cli'], repo)).toMatchObject({ code: MACHINE.keyring ? 0 : 128 });
    expectNoSecrets(await stateFiles());
    expect((await cli(['undo'])).code).toBe(0);
    expect(await userState(repo)).toEqual(before);
    expectNoSecrets(outputs.join('\n'));
  });
});
