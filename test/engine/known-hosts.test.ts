import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { entryMatchesHost, hostKeyStatus, knownHostsName, parseKnownHosts } from '../../app/ssh/known-hosts.js';

const ed25519 = PUBLISHED_HOST_KEYS.find((k) => k.type === 'ssh-ed25519')!;
const oldRsa = RETIRED_HOST_KEYS[0]!;

describe('known_hosts', () => {
  it('parses entries, markers, comments and malformed lines', () => {
    const text = [
      '# comment',
      '',
      `bitbucket.org,104.192.141.1 ${oldRsa.type} ${oldRsa.key}`,
      `@cert-authority *.corp.example ${ed25519.type} ${ed25519.key} ca`,
      'garbage-without-key',
      `[ssh.bitbucket.org]:2222 ${ed25519.type} ${ed25519.key}`,
    ].join('\n');
    const parsed = parseKnownHosts(text);
    expect(parsed.malformed).toEqual([5]);
    expect(parsed.entries.map((e) => [e.line, e.marker, e.hostField])).toEqual([
      [3, null, 'bitbucket.org,104.192.141.1'],
      [4, '@cert-authority', '*.corp.example'],
      [6, null, '[ssh.bitbucket.org]:2222'],
    ]);
    expect(entryMatchesHost(parsed.entries[0]!, 'bitbucket.org', 22)).toBe(true);
    expect(entryMatchesHost(parsed.entries[0]!, 'ssh.bitbucket.org', 22)).toBe(false);
    expect(entryMatchesHost(parsed.entries[2]!, 'ssh.bitbucket.org', 2222)).toBe(true);
    expect(entryMatchesHost(parsed.entries[2]!, 'ssh.bitbucket.org', 22)).toBe(false);
  });

  it('matches wildcards and honours negation', () => {
    const [entry] = parseKnownHosts(`*.bitbucket.org,!evil.bitbucket.org ${ed25519.type} ${ed25519.key}`).entries;
    expect(entryMatchesHost(entry!, 'ssh.bitbucket.org', null)).toBe(true);
    expect(entryMatchesHost(entry!, 'evil.bitbucket.org', null)).toBe(false);
    expect(entryMatchesHost(entry!, 'bitbucket.org', null)).toBe(false);
  });

  it('matches entries hashed by the real ssh-keygen -H', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kh-'));
    try {
      const file = path.join(dir, 'known_hosts');
      await writeFile(file, `bitbucket.org ${oldRsa.type} ${oldRsa.key}\n[ssh.bitbucket.org]:2222 ${ed25519.type} ${ed25519.key}\n`);
      await promisify(execFile)('ssh-keygen', ['-H', '-f', file]);
      const parsed = parseKnownHosts(await readFile(file, 'utf8'));
      expect(parsed.entries.every((e) => e.hashed)).toBe(true);
      expect(parsed.entries.filter((e) => entryMatchesHost(e, 'bitbucket.org', 22)).map((e) => e.fingerprint)).toEqual([oldRsa.fingerprint]);
      expect(parsed.entries.filter((e) => entryMatchesHost(e, 'ssh.bitbucket.org', 2222)).map((e) => e.fingerprint)).toEqual([ed25519.fingerprint]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells current, retired and unknown host keys apart', () => {
    expect(hostKeyStatus({ fingerprint: ed25519.fingerprint }, PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS)).toBe('current');
    expect(hostKeyStatus({ fingerprint: oldRsa.fingerprint }, PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS)).toBe('retired');
    expect(hostKeyStatus({ fingerprint: 'SHA256:other' }, PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS)).toBe('unknown');
    expect(knownHostsName('ssh.bitbucket.org', 22)).toBe('ssh.bitbucket.org');
    expect(knownHostsName('ssh.bitbucket.org', 7999)).toBe('[ssh.bitbucket.org]:7999');
  });
});
