import { describe, expect, it } from 'vitest';
import { classifySshOutput, classifyVerboseAuth, type ClassifyOptions, type SshOutcome } from '../../app/ssh/classify.js';

const fatal = 'fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n';
const shell: ClassifyOptions = { timeoutMs: 15_000, connectTimeoutSeconds: 14, expect: 'shell' };
const gitProbe: ClassifyOptions = { ...shell, expect: 'git' };

function classify(stderr: string, options: ClassifyOptions = shell, extra: { stdout?: string; exitCode?: number | null; timedOut?: boolean; spawnError?: string | null } = {}): SshOutcome {
  return classifySshOutput({ exitCode: extra.exitCode === undefined ? 255 : extra.exitCode, stdout: extra.stdout ?? '', stderr, timedOut: extra.timedOut ?? false, spawnError: extra.spawnError ?? null }, options);
}

// Real outputs: OpenSSH 9.2 against the test server, and the quoted reports named in each row.
const CHANGED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the RSA key sent by the remote host is
SHA256:GGHAu6+NSVemsanumG6mrIFUlgQ+3FWiJ6D5j3jDe2k.
Please contact your system administrator.
Add correct host key in /home/u/.ssh/known_hosts to get rid of this message.
Offending RSA key in /home/u/.ssh/known_hosts:3
  remove with:
  ssh-keygen -f "/home/u/.ssh/known_hosts" -R "ssh.bitbucket.org"
Host key for ssh.bitbucket.org has changed and you have requested strict checking.
Host key verification failed.
`;
const UNPROTECTED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Permissions 0644 for '/home/u/.ssh/id_ed25519' are too open.
It is required that your private key files are NOT accessible by others.
This private key will be ignored.
Load key "/home/u/.ssh/id_ed25519": bad permissions
git@ssh.bitbucket.org: Permission denied (publickey).
`;

describe('classifySshOutput', () => {
  it.each([
    // [name, stderr, stdout, exit code, options, kind, decisive line]
    ['greeting on stdout (KB test-bitbucket-cloud-service-credentials)', '', 'authenticated via ssh key.\n\nYou can use git to connect to Bitbucket. Shell access is disabled\n', 0, shell, 'ok', 'authenticated via ssh key.'],
    ['greeting on stderr after the PTY refusal', 'PTY allocation request failed on channel 0\nauthenticated via ssh key.\n\nYou can use git to connect to Bitbucket. Shell access is disabled\n', '', 0, shell, 'ok', 'authenticated via ssh key.'],
    ['deploy key greeting (shimataro/ssh-key-action#142)', 'authenticated via a deploy key.\n\nYou can use git to connect to Bitbucket. Shell access is disabled\n', '', 0, shell, 'ok', 'authenticated via a deploy key.'],
    ['unknown host, strict', 'No ED25519 host key is known for ssh.bitbucket.org and you have requested strict checking.\nHost key verification failed.\n', '', 255, shell, 'host-unknown', 'No ED25519 host key is known for ssh.bitbucket.org and you have requested strict checking.'],
    ['unknown host, BatchMode with ask', 'Host key verification failed.\r\n', '', 255, shell, 'host-unknown', 'Host key verification failed.'],
    ['changed host key (OpenSSH 9.2)', CHANGED, '', 255, shell, 'host-key-changed', 'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!'],
    ['changed RSA key, short form (pastebin tQBqyDdH)', 'RSA host key for bitbucket.org has changed and you have requested strict checking.\nHost key verification failed.\n', '', 255, shell, 'host-key-changed', 'RSA host key for bitbucket.org has changed and you have requested strict checking.'],
    ['key not registered (Tate-ad/linux-kugou-client#1)', `git@bitbucket.org: Permission denied (publickey).\r\n${fatal}`, '', 128, gitProbe, 'permission-denied', 'git@bitbucket.org: Permission denied (publickey).'],
    ['missing repository (Orbs/jspm-git#44)', `conq: repository does not exist.\n${fatal}`, '', 128, gitProbe, 'repo-not-found', 'conq: repository does not exist.'],
    ['deploy key push (kouhan.cn 00038805)', `conq: repository access denied. access via a deployment key is read-only.\n${fatal}`, '', 128, gitProbe, 'deploy-key-read-only', 'conq: repository access denied. access via a deployment key is read-only.'],
    ['deploy key of another repository (Shippable/support#2299)', `conq: repository access denied. deployment key is not associated with the requested repository.\n${fatal}`, '', 128, gitProbe, 'deploy-key-read-only', 'conq: repository access denied. deployment key is not associated with the requested repository.'],
    ['account without write access', `conq: repository access denied.\n${fatal}`, '', 128, gitProbe, 'access-denied', 'conq: repository access denied.'],
    ['Data Center missing repository (Atlassian KB, Bamboo submodules)', `Repository not found\nThe requested repository does not exist, or you do not have permission to access it.\n${fatal}`, '', 128, gitProbe, 'repo-not-found', 'The requested repository does not exist, or you do not have permission to access it.'],
    ['git push --dry-run through receive-pack', '', 'To ssh://ssh.bitbucket.org/acme/widgets.git\n-\t:refs/heads/push-doctor-probe-1\t[deleted]\nDone\n', 0, gitProbe, 'ok', 'To ssh://ssh.bitbucket.org/acme/widgets.git'],
    ['bad command syntax (Strider-CD/strider-git#36)', `conq: invalid command syntax.\n${fatal}`, '', 128, gitProbe, 'failed', 'conq: invalid command syntax.'],
    ['algorithm mismatch', 'Unable to negotiate with 10.0.0.5 port 7999: no matching host key type found. Their offer: ssh-rsa\n', '', 255, shell, 'failed', 'Unable to negotiate with 10.0.0.5 port 7999: no matching host key type found. Their offer: ssh-rsa'],
  ] as const)('%s', (_name, stderr, stdout, exitCode, options, kind, line) => {
    const outcome = classify(stderr, options, { stdout, exitCode });
    expect(outcome.kind).toBe(kind);
    expect(outcome.line).toBe(line);
  });

  it('names the offending known_hosts line of a changed key', () => {
    expect(classify(CHANGED).offending).toEqual({ keyType: 'RSA', file: '/home/u/.ssh/known_hosts', line: 3 });
  });

  it('collects keys ssh refused for their permissions, whatever the final verdict', () => {
    const outcome = classify(UNPROTECTED);
    expect(outcome.kind).toBe('permission-denied');
    expect(outcome.unprotectedKeys).toEqual([{ path: '/home/u/.ssh/id_ed25519', mode: '0644' }]);
  });

  it('reads the pre-2020 greeting with the account name (pastebin tQBqyDdH)', () => {
    const outcome = classify('PTY allocation request failed on channel 0\n', shell, {
      stdout: 'logged in as grab-anshu.\n\nYou can use git or hg to connect to Bitbucket. Shell access is disabled.\n',
      exitCode: 0,
    });
    expect(outcome).toMatchObject({ kind: 'ok', greeting: 'legacy', username: 'grab-anshu' });
  });

  it('reads the Data Center whoami answer', () => {
    expect(classify('', { ...shell, expect: 'whoami' }, { stdout: 'tpettersen\n', exitCode: 0 })).toMatchObject({ kind: 'ok', greeting: 'whoami', username: 'tpettersen' });
  });

  it.each([
    ['ssh: connect to host 127.0.0.1 port 1: Connection refused\n', 'connection refused by 127.0.0.1 port 1 (nothing accepts SSH there)'],
    ['ssh: Could not resolve hostname ssh.bitbucket.org: Temporary failure in name resolution\r\n', 'the host name ssh.bitbucket.org could not be resolved'],
    ['ssh: Could not resolve hostname bitbucket.org: Name or service not known\n', 'the host name bitbucket.org could not be resolved'],
    ['Connection timed out during banner exchange\nConnection to 127.0.0.1 port 43917 timed out\n', 'the server accepted the connection but never sent its SSH greeting: timed out after 14 s'],
    ['ssh: connect to host bitbucket.org port 22: Connection timed out\n', 'connecting to bitbucket.org port 22 timed out after 14 s'],
    ['ssh: connect to host bitbucket.org port 22: Operation timed out\n', 'connecting to bitbucket.org port 22 timed out after 14 s'],
    ['ssh: connect to host 104.192.141.1 port 22: No route to host\n', '104.192.141.1 port 22: no route to host'],
    ['kex_exchange_identification: Connection closed by remote host\nConnection closed by 104.192.141.1 port 22\n', 'the server closed the connection during the SSH handshake, before authentication'],
    ['kex_exchange_identification: read: Connection reset by peer\nConnection reset by 104.192.141.1 port 22\n', 'the server reset the connection during the SSH handshake, before authentication'],
  ])('unreachable: %s', (stderr, reason) => {
    expect(classify(stderr)).toMatchObject({ kind: 'unreachable', reason });
  });

  it('turns our own timeout into "timed out after N s"', () => {
    expect(classify('', { ...shell, timeoutMs: 15_000 }, { exitCode: null, timedOut: true })).toMatchObject({ kind: 'unreachable', reason: 'timed out after 15 s' });
  });

  it.each([
    ['sh: 1: no-such-ssh: not found\n', 'no-such-ssh was not found'],
    ['bash: line 1: no-such-ssh: command not found\n', 'no-such-ssh was not found'],
    ['fatal: cannot run /no/such/ssh: No such file or directory\nfatal: unable to fork\n', '/no/such/ssh was not found'],
    ['sh: 1: /home/u/bin/ssh-wrapper: Permission denied\n', '/home/u/bin/ssh-wrapper is not executable'],
  ])('command not found: %s', (stderr, reason) => {
    expect(classify(stderr, shell, { exitCode: 127 })).toMatchObject({ kind: 'command-not-found', reason });
  });

  it("OpenSSH 10.1+ (macOS 26's ssh) warns about the key exchange before anything else: the failure's own line is still the reason", () => {
    const pq = '** WARNING: connection is not using a post-quantum key exchange algorithm.\n** This session may be vulnerable to "store now, decrypt later" attacks.\n** The server may need to be upgraded. See https://openssh.com/pq.html\n';
    expect(classify(`${pq}something unexpected went wrong\n`)).toMatchObject({ kind: 'failed', reason: 'something unexpected went wrong' });
    expect(classify(`${pq}git@ssh.bitbucket.org: Permission denied (publickey).\n`)).toMatchObject({ kind: 'permission-denied' });
  });

  // PuTTY's plink in batch mode (PuTTY source: console.c, unix/console.c, ssh/common.c, doc/errors.but).
  const PLINK_HOST_KEY = 'The host key is not cached for this server:\n  ssh.bitbucket.org (port 22)\nYou have no guarantee that the server is the\ncomputer you think it is.\nThe server\'s ssh-ed25519 key fingerprint is:\n  ssh-ed25519 255 SHA256:ybgmFkzwOSotHTHLJgHO0QN8L0xErw6vd0VhFA9m3SM\nConnection abandoned.\nFATAL ERROR: Cannot confirm a host key in batch mode\n';
  it.each([
    [PLINK_HOST_KEY, { kind: 'host-unknown', line: 'The host key is not cached for this server:' }],
    ['WARNING - POTENTIAL SECURITY BREACH!\nThe host key does not match the one PuTTY has cached for this server:\nConnection abandoned.\nFATAL ERROR: Cannot confirm a host key in batch mode\n', { kind: 'host-key-changed' }],
    ['FATAL ERROR: Network error: Connection refused\n', { kind: 'unreachable', reason: 'connection refused (nothing accepts SSH there)' }],
    ['FATAL ERROR: Network error: Connection timed out\n', { kind: 'unreachable', reason: 'connecting to the server timed out' }],
    ['FATAL ERROR: Remote side unexpectedly closed network connection\n', { kind: 'unreachable', reason: 'the server closed the connection before authentication' }],
    ['Unable to open connection:\nHost does not exist\n', { kind: 'unreachable', reason: 'the host name could not be resolved' }],
    ['FATAL ERROR: No supported authentication methods available (server sent: publickey)\n', { kind: 'permission-denied' }],
    ['FATAL ERROR: Cannot answer interactive prompts in batch mode\n', { kind: 'permission-denied', reason: expect.stringMatching(/batch mode forbids/) }],
  ])('plink: %s', (stderr, expected) => {
    expect(classify(stderr, { ...shell, timeoutMs: 15_000 })).toMatchObject(expected);
  });

  it('explains "Too many authentication failures" (an agent offering many keys)', () => {
    const outcome = classify('Received disconnect from 104.192.141.1 port 22:2: Too many authentication failures\nDisconnected from 104.192.141.1 port 22\n');
    expect(outcome.kind).toBe('permission-denied');
    expect(outcome.reason).toMatch(/so many keys/);
  });
});

// ssh -v output of OpenSSH 9.2 against the test server (debug lines that do not matter removed).
const verbose = (body: string) => `OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\ndebug1: using hostkeyalias: ssh.bitbucket.org\n${body}`;

describe('classifyVerboseAuth', () => {
  it('key accepted, then nothing can sign: passphrase', () => {
    const result = classifyVerboseAuth(
      verbose(`debug1: Will attempt key: /h/.ssh/enc ED25519 SHA256:UFEFJm1M04sMTI/bWhAiYxVfuXfpEAh9oya6jW3Hk/8 explicit
debug1: Authentications that can continue: publickey
debug1: Offering public key: /h/.ssh/enc ED25519 SHA256:UFEFJm1M04sMTI/bWhAiYxVfuXfpEAh9oya6jW3Hk/8 explicit
debug1: Server accepts key: /h/.ssh/enc ED25519 SHA256:UFEFJm1M04sMTI/bWhAiYxVfuXfpEAh9oya6jW3Hk/8 explicit
debug1: No more authentication methods to try.
git@127.0.0.1: Permission denied (publickey).
`),
    );
    expect(result.verdict).toBe('key-needs-passphrase');
    expect(result.accepted).toEqual({ label: '/h/.ssh/enc', fingerprint: 'SHA256:UFEFJm1M04sMTI/bWhAiYxVfuXfpEAh9oya6jW3Hk/8', source: 'explicit' });
  });

  it('nothing to offer: the identity file is missing', () => {
    const result = classifyVerboseAuth(
      verbose(`debug1: Will attempt key: /h/.ssh/missing  explicit
debug1: Authentications that can continue: publickey
debug1: Trying private key: /h/.ssh/missing
no such identity: /h/.ssh/missing: No such file or directory
debug1: No more authentication methods to try.
git@127.0.0.1: Permission denied (publickey).
`),
    );
    expect(result).toMatchObject({ verdict: 'no-key-offered', missing: ['/h/.ssh/missing'], offered: [], candidates: [{ label: '/h/.ssh/missing', fingerprint: null, source: 'explicit' }] });
  });

  it('offered and refused: the key is not registered', () => {
    const result = classifyVerboseAuth(
      verbose(`debug1: Offering public key: /h/.ssh/other ED25519 SHA256:j3n9tR+XkN3/opnn76BHRs7EcH7BRuH1KzytwTAYTvY explicit
debug1: Authentications that can continue: publickey
debug1: Offering public key: laptop key ED25519 SHA256:JntfMsm2rGyhj96PHn+pQF5sSX4487kEExuYDPpRD0c agent
debug1: Authentications that can continue: publickey
debug1: No more authentication methods to try.
git@127.0.0.1: Permission denied (publickey).
`),
    );
    expect(result.verdict).toBe('key-rejected');
    expect(result.offered.map((k) => [k.label, k.source])).toEqual([['/h/.ssh/other', 'explicit'], ['laptop key', 'agent']]);
  });

  it('accepted, but ssh refuses to load the private key: permissions', () => {
    const result = classifyVerboseAuth(
      verbose(`debug1: Offering public key: /h/.ssh/id ED25519 SHA256:JntfMsm2rGyhj96PHn+pQF5sSX4487kEExuYDPpRD0c explicit
debug1: Server accepts key: /h/.ssh/id ED25519 SHA256:JntfMsm2rGyhj96PHn+pQF5sSX4487kEExuYDPpRD0c explicit
${UNPROTECTED.replace('/home/u/.ssh/id_ed25519', '/h/.ssh/id').replace('/home/u/.ssh/id_ed25519', '/h/.ssh/id')}debug1: No more authentication methods to try.
`),
    );
    expect(result).toMatchObject({ verdict: 'key-permissions', badPermissions: ['/h/.ssh/id'] });
  });

  it('accepted, but the agent refused to sign (kryptco/kr#335)', () => {
    const result = classifyVerboseAuth(`debug1: Offering public key: RSA SHA256:46OSHA1Rmj8E8ERTC6xkNcmGOw9oFxYr0WF6zWW8l1E /Users/user/.ssh/id_krypton
debug1: Server accepts key: pkalg rsa-sha2-512 blen 279
sign_and_send_pubkey: signing failed for RSA "/Users/user/.ssh/id_krypton" from agent: agent refused operation
git@bitbucket.org: Permission denied (publickey).
`);
    expect(result.verdict).toBe('agent-refused');
    expect(result.offered[0]).toMatchObject({ label: '/Users/user/.ssh/id_krypton', fingerprint: 'SHA256:46OSHA1Rmj8E8ERTC6xkNcmGOw9oFxYr0WF6zWW8l1E' });
  });

  it('authenticated', () => {
    expect(classifyVerboseAuth('debug1: Authenticated to ssh.bitbucket.org ([104.192.141.1]:22) using "publickey".\n').verdict).toBe('authenticated');
  });
});
