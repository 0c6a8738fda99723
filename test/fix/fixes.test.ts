import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import type { FixId } from '../../app/contract/report.js';
import { applyFix, describeFix, fixHistory, undoLastFix } from '../../app/fix/registry.js';
import { fixPlan, type Fix } from '../../app/fix/types.js';
import { createHome, type TestHome } from '../support/home.js';
import { modesUnder, snapshotTree } from '../support/tree.js';

const exec = promisify(execFile);

let home: TestHome;
let stateRoot: string;
let ctx: EngineContext;
const scope = { repoRoot: null, remoteName: null };

beforeEach(async () => {
  home = await createHome('fixes-');
  // The app's state lives outside the home here, so the whole home must come back byte for byte.
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'fixes-state-'));
  ctx = { ...home.context(), stateDir: path.join(stateRoot, 'push-doctor') };
});
afterEach(async () => {
  await home.cleanup();
  await rm(stateRoot, { recursive: true, force: true });
});

async function expectPrivateState(): Promise<void> {
  for (const [rel, kind, mode] of await modesUnder(ctx.stateDir)) expect(`${rel} ${kind} ${mode.toString(8)}`).toBe(`${rel} ${kind} ${kind === 'dir' ? '700' : '600'}`);
}

/** What the real OpenSSH says when it loads the key (the permission check comes before the passphrase). */
async function sshLoads(key: string): Promise<string> {
  try {
    await exec('ssh-keygen', ['-y', '-P', '', '-f', key]);
    return 'loaded';
  } catch (error) {
    const stderr = (error as { stderr: string }).stderr;
    return /bad permissions/.test(stderr) ? 'bad permissions' : stderr.trim();
  }
}

describe('ssh.fix-key-permissions', () => {
  it('apply → verify → re-apply is a no-op → undo gives back the identical home', async () => {
    const ed = path.join(home.sshDir, 'id_ed25519');
    const rsa = path.join(home.sshDir, 'id_rsa');
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ed]);
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', rsa]);
    await chmod(ed, 0o644);
    await chmod(rsa, 0o640);
    const before = await snapshotTree(home.dir);
    expect(await sshLoads(ed)).toBe('bad permissions');

    const plan = await describeFix(ctx, 'ssh.fix-key-permissions', scope);
    expect(plan).toMatchObject({ applicable: true, title: 'Make the private key readable only by you (mode 600)' });
    expect(plan.changes.map((c) => c.target).sort()).toEqual([ed, rsa].sort());
    expect(await snapshotTree(home.dir)).toEqual(before); // the dry run wrote nothing

    const applied = await applyFix(ctx, 'ssh.fix-key-permissions', scope);
    expect(applied).toMatchObject({ id: 'ssh.fix-key-permissions', applied: true });
    expect(applied.changed.sort()).toEqual([ed, rsa].sort());
    expect(await sshLoads(ed)).toBe('loaded');
    expect(await sshLoads(rsa)).toBe('loaded');
    await expectPrivateState();

    const afterFirst = await snapshotTree(home.dir);
    expect(await applyFix(ctx, 'ssh.fix-key-permissions', scope)).toMatchObject({ applied: true, changed: [] });
    expect(await snapshotTree(home.dir)).toEqual(afterFirst);
    expect((await fixHistory(ctx)).map((e) => e.fixId)).toEqual(['ssh.fix-key-permissions']);

    expect(await undoLastFix(ctx)).toMatchObject({ undone: true, fixId: 'ssh.fix-key-permissions' });
    expect(await snapshotTree(home.dir)).toEqual(before);
    await expectPrivateState();
  });

  it('takes the key paths from the scope', async () => {
    const custom = path.join(home.dir, 'keys', 'work');
    await exec('mkdir', ['-p', path.dirname(custom)]);
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', custom]);
    await chmod(custom, 0o604);
    const result = await applyFix(ctx, 'ssh.fix-key-permissions', { ...scope, keyPaths: [custom] });
    expect(result.changed).toEqual([custom]);
    expect((await stat(custom)).mode & 0o777).toBe(0o600);
  });

  it('does not apply without a key', async () => {
    expect(await applyFix(ctx, 'ssh.fix-key-permissions', scope)).toMatchObject({ applied: false, changed: [], message: 'No private key file was found.' });
  });
});

describe('ssh.generate-key', () => {
  it('creates ~/.ssh and a key (with passphrase), is idempotent, and undo removes everything it made', async () => {
    await rm(home.sshDir, { recursive: true });
    const before = await snapshotTree(home.dir);
    const plan = await describeFix(ctx, 'ssh.generate-key', scope);
    expect(plan.changes.map((c) => c.target)).toEqual([home.sshDir, path.join(home.sshDir, 'id_ed25519'), path.join(home.sshDir, 'id_ed25519.pub')]);

    const applied = await applyFix(ctx, 'ssh.generate-key', scope, { passphrase: 'a long passphrase' });
    expect(applied.applied).toBe(true);
    expect(applied.changed).toEqual([home.sshDir, path.join(home.sshDir, 'id_ed25519'), path.join(home.sshDir, 'id_ed25519.pub')]);
    expect(applied.key?.fingerprint).toBe((await exec('ssh-keygen', ['-lf', applied.key!.publicKeyPath])).stdout.split(' ')[1]);
    expect(JSON.stringify(applied)).not.toContain('a long passphrase');
    await expect(exec('ssh-keygen', ['-y', '-P', '', '-f', applied.key!.privateKeyPath])).rejects.toThrow(/incorrect passphrase/);
    await expectPrivateState();

    const again = await applyFix(ctx, 'ssh.generate-key', scope);
    expect(again).toMatchObject({ applied: true, changed: [], key: applied.key });

    expect(await undoLastFix(ctx)).toMatchObject({ undone: true, fixId: 'ssh.generate-key' });
    expect(await snapshotTree(home.dir)).toEqual(before);
  });

  it('never touches an existing key', async () => {
    const existing = path.join(home.sshDir, 'id_ed25519');
    await writeFile(existing, 'the user key', { mode: 0o600 });
    const applied = await applyFix(ctx, 'ssh.generate-key', scope);
    expect(applied.key?.privateKeyPath).toBe(path.join(home.sshDir, 'id_ed25519_bitbucket'));
    expect(await readFile(existing, 'utf8')).toBe('the user key');
  });
});

describe('fix registry', () => {
  const target = () => path.join(home.dir, 'target.txt');
  function testFix(id: FixId, behaviour: 'verify-fails' | 'throws'): Map<FixId, Fix> {
    const fix: Fix = {
      id,
      describe: async () => fixPlan(id, { applicable: true, changes: [{ target: target(), action: 'write' }] }),
      inEffect: async () => ({ inEffect: false }),
      apply: async (_ctx, _scope, change) => {
        await change.writeFile(target(), 'changed');
        await change.ensureDir(path.join(home.dir, 'made'), 0o700);
        if (behaviour === 'throws') throw new Error('disk full');
        return { message: 'done' };
      },
      verify: async () => ({ ok: false, detail: 'ssh still sees the old key' }),
    };
    return new Map([[id, fix]]);
  }

  it.each(['verify-fails', 'throws'] as const)('rolls everything back when %s', async (behaviour) => {
    await writeFile(target(), 'original');
    const before = await snapshotTree(home.dir);
    const result = await applyFix(ctx, 'ssh.configure-host', scope, {}, { fixes: testFix('ssh.configure-host', behaviour) });
    expect(result.applied).toBe(false);
    expect(result.message).toBe(
      behaviour === 'throws' ? 'Not applied: disk full. Everything was put back as it was.' : 'Not applied: the change did not take effect (ssh still sees the old key). Everything was put back as it was.',
    );
    expect(await snapshotTree(home.dir)).toEqual(before);
    expect(await fixHistory(ctx)).toEqual([]);
    expect(await modesUnder(path.join(ctx.stateDir, 'backups'))).toEqual([]);
  });

  it('reports fixes that are not automatic yet, and input that is missing', async () => {
    expect(await applyFix(ctx, 'credential.save-token', scope, {}, { fixes: new Map() })).toMatchObject({ applied: false, message: 'This fix cannot be applied automatically yet.' });
    const needsToken = new Map<FixId, Fix>([['credential.save-token', { ...testFix('credential.save-token', 'throws').get('credential.save-token')!, describe: async () => fixPlan('credential.save-token', { applicable: true, inputs: ['token'] }) }]]);
    expect(await applyFix(ctx, 'credential.save-token', scope, {}, { fixes: needsToken })).toMatchObject({ applied: false, message: 'This fix needs: token.' });
  });
});

describe('the fix registry', () => {
  it('has an implementation for every fix id, and every fix a finding offers exists', async () => {
    const { FIX_IDS, FINDING_CODES } = await import('../../app/contract/report.js');
    const { FINDING_CATALOGUE } = await import('../../app/diagnose/catalogue.js');
    const { FIXES } = await import('../../app/fix/registry.js');
    expect(FIX_IDS.filter((id) => !FIXES.has(id))).toEqual([]);
    const offered = FINDING_CODES.flatMap((code) => FINDING_CATALOGUE[code].fixes);
    expect(offered.filter((id) => !FIXES.has(id))).toEqual([]);
  });
});
