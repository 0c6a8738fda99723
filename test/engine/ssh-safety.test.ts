import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { verifySsh } from '../../app/ssh/checks.js';
import { generateHostKeys, type FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { createHome, type TestHome } from '../support/home.js';
import { snapshotTree } from '../support/tree.js';
import { CLOUD_HOST, diagnoseSsh, makeKey, startCloudScenario } from '../support/ssh-scenario.js';

let home: TestHome;
let server: FakeBitbucketSsh | null = null;

beforeAll(() => {
  generateHostKeys();
});
beforeEach(async () => {
  home = await createHome();
});
afterEach(async () => {
  await server?.stop();
  server = null;
  await home.cleanup();
});

/** The real user's ~/.ssh (OpenSSH's home from the password database): must stay untouched too. */
const realSshDir = path.join(os.userInfo().homedir, '.ssh');

type Setup = (home: TestHome) => Promise<{ server: FakeBitbucketSsh; repo: string }>;

const scenarios: Array<[string, string, Setup]> = [
  ['push works', 'ssh.ok', async (h) => {
    const key = await makeKey(h);
    const s = await startCloudScenario(h);
    s.server.authorize(key.publicLine, { kind: 'personal' });
    return s;
  }],
  ['unknown host', 'ssh.host-unknown', async (h) => {
    await makeKey(h);
    const s = await startCloudScenario(h, { trust: false });
    await writeFile(path.join(h.sshDir, 'known_hosts'), '');
    return s;
  }],
  ['retired host key', 'ssh.host-key-changed', async (h) => {
    await makeKey(h);
    const s = await startCloudScenario(h, { trust: false });
    await writeFile(path.join(h.sshDir, 'known_hosts'), `${CLOUD_HOST} ${RETIRED_HOST_KEYS[0]!.type} ${RETIRED_HOST_KEYS[0]!.key}\n`);
    return s;
  }],
  ['locked key', 'ssh.key-needs-passphrase', async (h) => {
    const key = await makeKey(h, 'id_ed25519', { passphrase: 'open sesame 42' });
    const s = await startCloudScenario(h);
    s.server.authorize(key.publicLine, { kind: 'personal' });
    return s;
  }],
  ['deploy key push', 'ssh.deploy-key-read-only', async (h) => {
    const key = await makeKey(h);
    const s = await startCloudScenario(h);
    s.server.authorize(key.publicLine, { kind: 'deploy' });
    return s;
  }],
];

describe('diagnosis is read-only', () => {
  it.each(scenarios)('%s: home, ~/.ssh, known_hosts and the repository config are byte-identical afterwards', async (_name, code, setup) => {
    const scenario = await setup(home);
    server = scenario.server;
    const before = await snapshotTree(home.dir);
    const realBefore = await snapshotTree(realSshDir).catch(() => ({}));
    const result = await diagnoseSsh(home.context(), scenario.repo);
    expect(result.codes).toEqual([code]);
    await verifySsh(home.context(), scenario.repo, 'origin');
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect(await snapshotTree(realSshDir).catch(() => ({}))).toEqual(realBefore);
  });
});

describe('no secret leaks', () => {
  it('a planted private key and its passphrase appear nowhere in findings, evidence, summaries or verify output', async () => {
    const passphrase = 'Tr0ub4dor&3 planted';
    const locked = await makeKey(home, 'id_locked', { passphrase });
    const plain = await makeKey(home, 'id_plain');
    const scenario = await startCloudScenario(home, { identity: null, extra: [`IdentityFile ${plain.path}`, `IdentityFile ${locked.path}`, 'IdentitiesOnly yes'] });
    server = scenario.server;
    scenario.server.authorize(locked.publicLine, { kind: 'personal' });
    const ctx = home.context();
    const result = await diagnoseSsh(ctx, scenario.repo);
    // the interesting path ran: keys read, the -v run made, the locked key named
    expect(result.codes).toEqual(['ssh.key-needs-passphrase']);
    expect(result.findings[0]!.title).toContain(locked.path);
    const verify = await verifySsh(ctx, scenario.repo, 'origin');
    const output = JSON.stringify({ result, verify });
    expect(output).not.toContain(passphrase);
    for (const file of [locked.path, plain.path]) {
      const body = (await readFile(file, 'utf8')).split('\n').filter((l) => !l.startsWith('-----') && l.length > 0);
      // any 24-character run of the key's base64 body would be a leak
      for (const line of body) for (let i = 0; i + 24 <= line.length; i += 12) expect(output).not.toContain(line.slice(i, i + 24));
      expect(output).not.toContain('PRIVATE KEY');
    }
  });
});

describe('verifySsh', () => {
  it("returns Bitbucket's greeting on success", async () => {
    const key = await makeKey(home);
    const scenario = await startCloudScenario(home);
    server = scenario.server;
    scenario.server.authorize(key.publicLine, { kind: 'personal' });
    const result = await verifySsh(home.context(), scenario.repo, 'origin');
    expect(result).toMatchObject({ ok: true, host: '127.0.0.1', message: 'authenticated via ssh key.' });
    expect(result.evidence.join('\n')).toContain('-T -o BatchMode=yes');
  });

  it('returns the failure line when the key is not registered', async () => {
    await makeKey(home);
    const scenario = await startCloudScenario(home);
    server = scenario.server;
    const result = await verifySsh(home.context(), scenario.repo, 'origin');
    expect(result).toMatchObject({ ok: false, host: '127.0.0.1', message: 'git@127.0.0.1: Permission denied (publickey).' });
  });

  it('says so for a remote that does not use SSH, or does not exist', async () => {
    const repo = await home.repo();
    await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    expect(await verifySsh(home.context(), repo, 'origin')).toMatchObject({ ok: false, message: expect.stringContaining('does not push over SSH') });
    expect(await verifySsh(home.context(), repo, 'upstream')).toMatchObject({ ok: false, message: expect.stringContaining('no remote named "upstream"') });
  });
});
