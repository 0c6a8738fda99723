import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTS, type Transcript } from '../support/cloud-world.js';

/**
 * No key → keygen → keys add → ssh -T greeting → a real push over SSH, with push-doctor talking to
 * the real host names (api.bitbucket.org, bitbucket.org, ssh.bitbucket.org) served by the fake
 * Bitbucket in a private network namespace. The transcript of every command and what it printed is
 * written to test-output/account-e2e/transcript.md.
 */
function unavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux namespaces';
  if (process.getuid?.() !== 0) return 'needs root for unshare -mn (a private network namespace with the real host names)';
  if (spawnSync('unshare', ['-mn', 'true']).status !== 0) return 'unshare -mn is not permitted here';
  if (spawnSync('ip', ['-V']).status !== 0) return 'ip (iproute2) is missing: it brings up loopback in the private network namespace';
  if (!existsSync('out/cli/push-doctor.mjs')) return 'the CLI is not built';
  return null;
}
const reason = unavailable();

describe.skipIf(reason)(`end to end against api.bitbucket.org by name${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('no key → keygen → keys add → ssh -T → git push, and the token appears nowhere', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'account-e2e-'));
    try {
      const home = path.join(work, 'home');
      await mkdir(home, { mode: 0o700 });
      const hosts = path.join(work, 'hosts');
      await writeFile(hosts, `127.0.0.1 localhost\n${Object.values(HOSTS).map((h) => `${h.address} ${h.name}`).join('\n')}\n`);
      const out = path.join(work, 'transcript.json');
      const inside = [
        'set -e',
        `mount --bind ${hosts} /etc/hosts`,
        `mount --bind ${home} "$HOME"`,
        'ip link set lo up',
        `exec "${process.execPath}" --import tsx test/support/cloud-world.ts ${out}`,
      ].join('\n');
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('unshare', ['-mn', 'sh', '-c', inside], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, HOME: os.homedir() } });
        child.on('close', resolve);
      });
      expect(code).toBe(0);
      const transcript = JSON.parse(await readFile(out, 'utf8')) as Transcript;
      await writeTranscript(transcript);
      expect(transcript.error).toBeNull();
      const step = (prefix: string, nth = 0) => transcript.steps.filter((s) => s.command.startsWith(prefix))[nth]!;

      expect(step('push-doctor diagnose').exitCode).toBe(1);
      expect(step('push-doctor diagnose').output).toContain('code: ssh.no-key');
      if (transcript.linkStore === 'keyring') expect(step('push-doctor account link')).toMatchObject({ exitCode: 0, output: expect.stringContaining('✓ Linked: jdoe@example.com (system keychain)') });
      expect(step('push-doctor account status')).toMatchObject({ exitCode: 0, output: expect.stringContaining('✓ Bitbucket user: jdoe (Jane Doe)') });
      expect(step('push-doctor keygen').exitCode).toBe(0);
      const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(step('push-doctor keygen').output)![0];
      const second = step('push-doctor diagnose', 1);
      expect(second.output).toContain('code: ssh.key-not-on-account');
      expect(second.output).toContain(`push-doctor fix ssh.add-key-to-account`);
      expect(step('push-doctor keys add')).toMatchObject({ exitCode: 0, output: expect.stringContaining(`✓ Added ${fingerprint}`) });
      expect(step('push-doctor fix ssh.trust-host-keys').exitCode).toBe(0);
      expect(step('ssh ')).toMatchObject({ exitCode: 0, output: expect.stringContaining('authenticated via ssh key.') });
      expect(step('git push')).toMatchObject({ exitCode: 0, output: expect.stringContaining('main -> main') });
      const third = step('push-doctor diagnose', 2);
      expect(third.exitCode).toBe(0);
      expect(third.output).toContain('✓ Pushing to Bitbucket works.');
      expect(step('push-doctor keys list').output).toMatch(new RegExp(`✓ ${fingerprint.replace(/[+/]/g, '\\$&')} +ssh-ed25519`));
      expect(step('git ls-remote').output).toMatch(/refs\/heads\/main/);
      expect(transcript.leaks).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

/** The transcript the lead's closing note quotes. */
async function writeTranscript(t: Transcript): Promise<void> {
  const dir = path.resolve('test-output/account-e2e');
  await mkdir(dir, { recursive: true });
  const body = t.steps.map((s) => `$ ${s.command}${s.input ? `   # stdin: ${s.input}` : ''}\n${s.output}\n[exit ${s.exitCode}]`).join('\n\n');
  await writeFile(path.join(dir, 'transcript.md'), `# End-to-end transcript (account link in the ${t.linkStore})\n\n\`\`\`\n${body}\n\`\`\`\n\nToken found in: ${t.leaks.length ? t.leaks.join(', ') : 'nothing (output and every file of the home searched)'}\n`);
}
