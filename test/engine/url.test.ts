import { describe, expect, it } from 'vitest';
import { recognizeBitbucket } from '../../app/repo/bitbucket-host.js';
import { parseRemoteUrl, type RemoteUrl } from '../../app/repo/url.js';

function parsed(raw: string): RemoteUrl {
  const result = parseRemoteUrl(raw, 'linux');
  if (!result.ok) throw new Error(`did not parse: ${raw}: ${result.reason}`);
  return result.url;
}

describe('parseRemoteUrl', () => {
  it.each([
    ['https://bitbucket.org/acme/widgets.git', { protocol: 'https', host: 'bitbucket.org', port: null, username: null, path: 'acme/widgets.git', form: 'url' }],
    ['https://jdoe@bitbucket.org/acme/widgets.git', { username: 'jdoe', host: 'bitbucket.org' }],
    ['https://jane.doe%40example.com@bitbucket.org/acme/w.git', { username: 'jane.doe@example.com' }],
    ['https://x-token-auth@bitbucket.org/acme/w.git', { username: 'x-token-auth' }],
    ['https://git.corp.example:8443/bitbucket/scm/PROJ/repo.git', { host: 'git.corp.example', port: 8443, path: 'bitbucket/scm/PROJ/repo.git' }],
    ['http://192.168.5.15:7990/scm/aut/az_terraform.git', { protocol: 'http', port: 7990 }],
    ['git@bitbucket.org:acme/widgets.git', { protocol: 'ssh', form: 'scp', host: 'bitbucket.org', username: 'git', path: 'acme/widgets.git' }],
    ['git@ssh.bitbucket.org:acme/widgets.git', { host: 'ssh.bitbucket.org' }],
    ['bb-work:acme/widgets.git', { form: 'scp', host: 'bb-work', username: null }],
    ['ssh://git@bitbucket-primary.local:7999/project_1/rep_1.git', { protocol: 'ssh', form: 'url', port: 7999, path: 'project_1/rep_1.git' }],
    ['git+ssh://git@ssh.bitbucket.org/acme/w.git', { protocol: 'ssh', host: 'ssh.bitbucket.org' }],
    ['ssh://git@[::1]:2222/acme/w.git', { host: '::1', port: 2222 }],
    ['git@[localhost:2222]:acme/w.git', { form: 'scp', host: 'localhost', port: 2222 }],
    ['/srv/git/w.git', { form: 'local', protocol: 'file' }],
    ['../w.git', { form: 'local' }],
    ['file:///srv/git/w.git', { protocol: 'file', path: '/srv/git/w.git' }],
    ['codecommit::us-east-1://repo', { form: 'helper' }],
    ['HTTPS://BitBucket.ORG/acme/w.git', { protocol: 'https', host: 'bitbucket.org' }],
  ])('%s', (raw, expected) => {
    expect(parsed(raw)).toMatchObject(expected);
  });

  it('keeps a password as a Secret and masks it for display', () => {
    const url = parsed('https://jdoe:ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123=ABCD1234@bitbucket.org/acme/w.git');
    expect(url.username).toBe('jdoe');
    expect(url.password?.masked).toBe('ATAT…1234');
    expect(url.display).toBe('https://jdoe:ATAT…1234@bitbucket.org/acme/w.git');
    expect(JSON.stringify(url)).not.toContain('abcdefghijklmnop');
  });

  it('treats a token pasted as the user name as a secret', () => {
    const url = parsed('https://ATCTT3xFfGN0abcdefghijklmnopqrstuvwxyz=0123ABCD@bitbucket.org/acme/w.git');
    expect(url.username).toBeNull();
    expect(url.password?.masked).toBe('ATCT…ABCD');
    expect(url.display).not.toContain('abcdefghij');
  });

  it.each([
    ['', /empty/],
    ['https://', /not valid|no host/],
    ['https://bitbucket.org:99999/a/b.git', /port/],
    ['git@bitbucket.org:', /path/],
    ['not a url at all', /spaces/],
  ])('rejects %j with a reason', (raw, reason) => {
    const result = parseRemoteUrl(raw, 'linux');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('reads C:/ as a drive on Windows and as an scp host elsewhere, like git', () => {
    expect(parseRemoteUrl('C:/repos/w.git', 'win32')).toMatchObject({ ok: true, url: { form: 'local' } });
    expect(parseRemoteUrl('C:/repos/w.git', 'linux')).toMatchObject({ ok: true, url: { form: 'scp', host: 'c' } });
    expect(parseRemoteUrl('c:repos/w.git', 'linux')).toMatchObject({ ok: true, url: { form: 'scp', host: 'c' } });
  });
});

describe('recognizeBitbucket', () => {
  it.each([
    ['https://bitbucket.org/acme/widgets.git', [], 'cloud', 'acme', 'widgets', false],
    ['git@bitbucket.org:acme/widgets.git', [], 'cloud', 'acme', 'widgets', true],
    ['git@ssh.bitbucket.org:acme/widgets.git', [], 'cloud', 'acme', 'widgets', false],
    ['ssh://git@altssh.bitbucket.org:443/acme/widgets.git', [], 'cloud', 'acme', 'widgets', false],
    ['https://git.corp.example/bitbucket/scm/PROJ/repo.git', [], 'datacenter', 'PROJ', 'repo', false],
    ['ssh://git@git.corp.example:7999/proj/repo.git', [], 'datacenter', 'proj', 'repo', false],
    ['https://code.corp.example/proj/repo.git', ['code.corp.example'], 'datacenter', 'proj', 'repo', false],
    ['https://127.0.0.1:8443/proj/repo.git', ['127.0.0.1:8443'], 'datacenter', 'proj', 'repo', false],
    ['https://github.com/acme/widgets.git', [], 'other', null, null, false],
  ] as const)('%s → %s', (raw, declared, kind, owner, slug, legacy) => {
    expect(recognizeBitbucket(parsed(raw), declared)).toMatchObject({ kind, owner, slug, legacySshHost: legacy });
  });

  it('follows an ssh config alias to the host ssh really connects to', () => {
    expect(recognizeBitbucket(parsed('bb:acme/w.git'), [], 'ssh.bitbucket.org', 22)).toMatchObject({ kind: 'cloud', legacySshHost: false });
    expect(recognizeBitbucket(parsed('bb:acme/w.git'), [], 'bitbucket.org', 22)).toMatchObject({ kind: 'cloud', legacySshHost: true });
  });

  it('keeps a Bitbucket name that ssh config sends elsewhere (proxy, test server), and a config that already moved it', () => {
    expect(recognizeBitbucket(parsed('git@ssh.bitbucket.org:acme/w.git'), [], '127.0.0.1', 2222)).toMatchObject({ kind: 'cloud', legacySshHost: false });
    expect(recognizeBitbucket(parsed('git@bitbucket.org:acme/w.git'), [], '127.0.0.1', 2222)).toMatchObject({ kind: 'cloud', legacySshHost: true });
    expect(recognizeBitbucket(parsed('git@bitbucket.org:acme/w.git'), [], 'ssh.bitbucket.org', 22)).toMatchObject({ kind: 'cloud', legacySshHost: false });
    expect(recognizeBitbucket(parsed('ssh://git@git.corp.example/p/r.git'), ['git.corp.example'], '127.0.0.1', 2222)).toMatchObject({ kind: 'datacenter' });
  });
});
