import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISHED_HOST_KEYS, RETIRED_HOST_KEYS } from '../../app/facts/bitbucket.js';
import { agentSocket, inspectAgent, parseAgentList } from '../../app/ssh/agent.js';
import { describePrivateKey, inspectIdentityFile } from '../../app/ssh/keys.js';
import { hashHostName } from '../../app/ssh/known-hosts.js';
import { checkKnownHosts, knownHostsReport, type KnownHostsQuery } from '../../app/ssh/known-hosts-check.js';
import { createHome, type TestHome } from '../support/home.js';
import { startAgent } from '../support/ssh-scenario.js';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ssh-local-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keygen(name: string, args: string[]): Promise<{ file: string; fingerprint: string }> {
  const file = path.join(dir, name);
  await run('ssh-keygen', ['-q', ...args, '-C', name, '-f', file]);
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]);
  return { file, fingerprint: stdout.split(/\s+/)[1]! };
}

describe('identity files', () => {
  it.each([
    ['ed25519, no passphrase', ['-t', 'ed25519', '-N', ''], 'openssh', false, 'ssh-ed25519'],
    ['ed25519 with a passphrase', ['-t', 'ed25519', '-N', 'pass phrase'], 'openssh', true, 'ssh-ed25519'],
    ['RSA in PEM', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', ''], 'pem', false, 'ssh-rsa'],
    ['RSA in PEM with a passphrase', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'pass phrase'], 'pem', true, null],
    ['ECDSA in PKCS#8', ['-t', 'ecdsa', '-m', 'PKCS8', '-N', ''], 'pkcs8', false, 'ecdsa-sha2-nistp256'],
    ['ECDSA in PKCS#8 with a passphrase', ['-t', 'ecdsa', '-m', 'PKCS8', '-N', 'pass phrase'], 'pkcs8', true, null],
    ['ECDSA P-384 in PEM (SEC1)', ['-t', 'ecdsa', '-b', '384', '-m', 'PEM', '-N', ''], 'pem', false, 'ecdsa-sha2-nistp384'],
  ] as const)('%s: format, encryption and the fingerprint ssh-keygen prints, without the passphrase', async (name, args, format, encrypted, keyType) => {
    const key = await keygen(name.replace(/\W+/g, '_'), [...args]);
    const facts = describePrivateKey(await readFile(key.file, 'utf8'));
    expect(facts).toMatchObject({ format, encrypted, keyType });
    // where the private file does not reveal the public key, the .pub file does
    const info = await inspectIdentityFile(key.file);
    expect(info.fingerprint).toBe(key.fingerprint);
    expect(info).toMatchObject({ exists: true, mode: '0600', tooOpen: false, encrypted });
  });

  it('reads the public key of an encrypted OpenSSH key without its .pub file', async () => {
    const key = await keygen('lonely', ['-t', 'ed25519', '-N', 'pass phrase']);
    await rm(`${key.file}.pub`);
    expect(await inspectIdentityFile(key.file)).toMatchObject({ encrypted: true, fingerprint: key.fingerprint, pubFingerprint: null });
  });

  it('flags modes that let others read the key, like OpenSSH', async () => {
    const key = await keygen('open', ['-t', 'ed25519', '-N', '']);
    for (const [mode, tooOpen] of [[0o644, true], [0o640, true], [0o604, true], [0o600, false], [0o400, false]] as const) {
      await chmod(key.file, mode);
      expect((await inspectIdentityFile(key.file)).tooOpen, mode.toString(8)).toBe(tooOpen);
    }
  });

  it('notices a .pub file that belongs to another key', async () => {
    const a = await keygen('a', ['-t', 'ed25519', '-N', '']);
    const b = await keygen('b', ['-t', 'ed25519', '-N', '']);
    await writeFile(`${a.file}.pub`, await readFile(`${b.file}.pub`));
    expect(await inspectIdentityFile(a.file)).toMatchObject({ fingerprint: a.fingerprint, pubFingerprint: b.fingerprint });
  });

  it('reads a PuTTY key header', async () => {
    const key = await keygen('putty', ['-t', 'ed25519', '-N', '']);
    const blob = (await readFile(`${key.file}.pub`, 'utf8')).split(' ')[1]!;
    const ppk = ['PuTTY-User-Key-File-2: ssh-ed25519', 'Encryption: aes256-cbc', 'Comment: putty', 'Public-Lines: 1', blob, 'Private-Lines: 1', 'AAAA', 'Private-MAC: 00', ''].join('\n');
    expect(describePrivateKey(ppk)).toEqual({ format: 'putty', encrypted: true, keyType: 'ssh-ed25519', fingerprint: key.fingerprint });
  });

  it('reports a missing file and a file that is not a key', async () => {
    expect(await inspectIdentityFile(path.join(dir, 'nope'))).toMatchObject({ exists: false, fingerprint: null });
    await writeFile(path.join(dir, 'notes'), 'hello', { mode: 0o600 });
    expect(await inspectIdentityFile(path.join(dir, 'notes'))).toMatchObject({ exists: true, format: 'unknown', encrypted: null });
  });
});

describe('ssh-agent', () => {
  let home: TestHome;
  let stopAgent: (() => void) | null = null;
  beforeEach(async () => {
    home = await createHome();
  });
  afterEach(async () => {
    stopAgent?.();
    stopAgent = null;
    await home.cleanup();
  });

  it('picks the socket like ssh: IdentityAgent, then SSH_AUTH_SOCK', () => {
    const env = { SSH_AUTH_SOCK: '/run/a.sock', MY_AGENT: '/run/b.sock' };
    expect(agentSocket(null, env, '/h')).toEqual({ socket: '/run/a.sock', source: 'SSH_AUTH_SOCK', disabled: false });
    expect(agentSocket('SSH_AUTH_SOCK', env, '/h').socket).toBe('/run/a.sock');
    expect(agentSocket('$MY_AGENT', env, '/h').socket).toBe('/run/b.sock');
    expect(agentSocket('~/.1password/agent.sock', env, '/h').socket).toBe('/h/.1password/agent.sock');
    expect(agentSocket('none', env, '/h').disabled).toBe(true);
  });

  it('parses ssh-add -l', () => {
    expect(parseAgentList('256 SHA256:JntfMsm2rGyhj96PHn+pQF5sSX4487kEExuYDPpRD0c /home/u/.ssh/id_ed25519 (ED25519)\n3072 SHA256:abc+/ my laptop key (RSA)\n')).toEqual([
      { fingerprint: 'SHA256:JntfMsm2rGyhj96PHn+pQF5sSX4487kEExuYDPpRD0c', comment: '/home/u/.ssh/id_ed25519', type: 'ED25519' },
      { fingerprint: 'SHA256:abc+/', comment: 'my laptop key', type: 'RSA' },
    ]);
  });

  it('tells no agent, an empty agent, a loaded agent and a dead socket apart (real ssh-agent)', async () => {
    const ctx = home.context();
    expect(await inspectAgent(ctx, null)).toMatchObject({ status: 'not-set' });
    const agent = await startAgent(home);
    stopAgent = agent.stop;
    ctx.env.SSH_AUTH_SOCK = agent.socket;
    expect(await inspectAgent(ctx, null)).toMatchObject({ status: 'empty', socket: agent.socket });
    const key = path.join(home.sshDir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await agent.add(key);
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`]);
    const loaded = await inspectAgent(ctx, null);
    expect(loaded).toMatchObject({ status: 'keys', keys: [{ fingerprint: stdout.split(/\s+/)[1], type: 'ED25519' }] });
    expect(await inspectAgent(ctx, path.join(home.dir, 'dead.sock'))).toMatchObject({ status: 'unreachable' });
    expect(await inspectAgent(ctx, 'none')).toMatchObject({ status: 'disabled' });
  });
});

describe('known_hosts for the destination', () => {
  const current = PUBLISHED_HOST_KEYS[0]!;
  const retired = RETIRED_HOST_KEYS[0]!;
  const query = (over: Partial<KnownHostsQuery> = {}): KnownHostsQuery => ({ hostname: 'ssh.bitbucket.org', port: 22, hostKeyAlias: null, files: ['/h/kh'], cloud: true, ...over });
  const report = (text: string | null, over: Partial<KnownHostsQuery> = {}) => knownHostsReport(query(over), [{ path: '/h/kh', text }]);

  it.each([
    ['no file', null, {}, 'missing'],
    ['another host only', `bitbucket.org ${current.type} ${current.key}`, {}, 'missing'],
    ['the current key', `ssh.bitbucket.org ${current.type} ${current.key}`, {}, 'present'],
    ['only the retired RSA key', `ssh.bitbucket.org,104.192.141.1 ${retired.type} ${retired.key}`, {}, 'retired'],
    ['retired beside current', `ssh.bitbucket.org ${retired.type} ${retired.key}\nssh.bitbucket.org ${current.type} ${current.key}`, {}, 'stale-line'],
    ['a non-standard port needs [host]:port', `ssh.bitbucket.org ${current.type} ${current.key}`, { port: 2222 }, 'missing'],
    ['[host]:port entry', `[ssh.bitbucket.org]:2222 ${current.type} ${current.key}`, { port: 2222 }, 'present'],
    ['HostKeyAlias is looked up without the port', `bb-alias ${current.type} ${current.key}`, { hostname: '127.0.0.1', port: 2222, hostKeyAlias: 'bb-alias' }, 'present'],
    ['a certificate authority for the domain', `@cert-authority *.bitbucket.org ${current.type} ${current.key}`, {}, 'present'],
    ['a hashed entry', `${hashHostName('ssh.bitbucket.org', Buffer.alloc(20, 7))} ${retired.type} ${retired.key}`, {}, 'retired'],
  ] as const)('%s', (_name, text, over, verdict) => {
    expect(report(text, over).verdict).toBe(verdict);
  });

  it('does not judge keys of a server that is not Bitbucket Cloud', () => {
    const result = report(`git.corp.example ${retired.type} ${retired.key}`, { hostname: 'git.corp.example', cloud: false });
    expect(result).toMatchObject({ verdict: 'present', matches: [{ status: null, line: 1 }] });
  });

  it('reads the files from disk, a missing file being no entries', async () => {
    const file = path.join(dir, 'known_hosts');
    await writeFile(file, `# comment\nssh.bitbucket.org ${retired.type} ${retired.key}\n`);
    const result = await checkKnownHosts(query({ files: [file, path.join(dir, 'missing')] }));
    expect(result.files).toEqual([{ path: file, exists: true }, { path: path.join(dir, 'missing'), exists: false }]);
    expect(result.matches).toEqual([expect.objectContaining({ file, line: 2, status: 'retired', fingerprint: retired.fingerprint })]);
  });
});
