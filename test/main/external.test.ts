import { describe, expect, it } from 'vitest';
import { DC_ACCESS_TOKENS_PAGE, LINKS, OPEN_EXTERNAL_ALLOWED_HOSTS } from '../../app/facts/bitbucket.js';
import { checkExternalUrl, externalAllowList } from '../../app/service/external.js';
import { callHandler } from '../../app/service/handlers.js';
import { useTestService, type TestService } from './support/service.js';

describe('checkExternalUrl', () => {
  it.each([
    ['https://bitbucket.org/acme/widgets', 'https://bitbucket.org/acme/widgets'],
    ['https://id.atlassian.com/manage-profile/security/api-tokens', 'https://id.atlassian.com/manage-profile/security/api-tokens'],
    ['HTTPS://BITBUCKET.ORG/account/settings/ssh-keys/', 'https://bitbucket.org/account/settings/ssh-keys/'],
    ['https://bitbucket.org:443/x', 'https://bitbucket.org/x'],
    ['https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/#scopes', 'https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/#scopes'],
  ])('allows %s', (raw, normalised) => {
    expect(checkExternalUrl(raw)).toEqual({ ok: true, url: normalised });
  });

  it.each([
    ['http://bitbucket.org/acme/widgets', 'only https'],
    ['https://github.com/acme/widgets', 'not a Bitbucket or Atlassian page'],
    ['javascript:alert(1)', 'only https'],
    ['file:///etc/passwd', 'only https'],
    ['data:text/html,<script>alert(1)</script>', 'only https'],
    ['ftp://bitbucket.org/', 'only https'],
    ['https://bitbucket.org.evil.example/login', 'not a Bitbucket'],
    ['https://evilbitbucket.org/', 'not a Bitbucket'],
    ['https://bitbucket.org@evil.example/', 'user name or password'],
    ['https://user:pw@bitbucket.org/', 'user name or password'],
    ['https://bitbucket.org:8443/', 'not a Bitbucket'],
    ['https://bitbucket.org./', 'not a Bitbucket'],
    ['https://api.bitbucket.org/2.0/user', 'not a Bitbucket'],
    ['https://bitbuсket.org/', 'not a Bitbucket'], // Cyrillic "с"
    ['https://atlassian.com.evil.example/', 'not a Bitbucket'],
    ['//bitbucket.org/acme', 'not a web address'],
    ['bitbucket.org/acme', 'not a web address'],
  ])('refuses %s', (raw, reason) => {
    const check = checkExternalUrl(raw);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toContain(reason);
  });

  it('refuses overlong addresses', () => {
    expect(checkExternalUrl(`https://bitbucket.org/${'a'.repeat(3000)}`)).toEqual({ ok: false, reason: 'the address is too long' });
  });
});

describe('external.open', () => {
  let service: TestService;
  let repo: string;
  useTestService({ repo: 'widgets' }, (created) => {
    service = created;
    repo = created.repo;
  });

  it('opens the API token page and the SSH keys page', async () => {
    expect(await callHandler(service.handlers, 'external.open', { kind: 'api-token' })).toEqual({ ok: true, value: { opened: true, url: LINKS.createApiToken } });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'ssh-keys' })).toEqual({ ok: true, value: { opened: true, url: LINKS.sshKeys } });
    expect(service.main.opened).toEqual([LINKS.createApiToken, LINKS.sshKeys]);
  });

  it('opens an allow-listed URL and refuses the rest without opening anything', async () => {
    expect(await callHandler(service.handlers, 'external.open', { kind: 'url', url: LINKS.apiTokensDoc })).toMatchObject({ ok: true });
    for (const url of ['http://bitbucket.org/', 'https://bitbucket.org.evil.example/', 'javascript:alert(1)', 'file:///etc/passwd']) {
      expect(await callHandler(service.handlers, 'external.open', { kind: 'url', url })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(service.main.opened).toEqual([LINKS.apiTokensDoc]);
  });

  it('opens the Cloud page of the push remote, also for the legacy SSH host', async () => {
    await service.home.git(['remote', 'add', 'origin', 'git@bitbucket.org:acme/widgets.git'], repo);
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo })).toEqual({ ok: true, value: { opened: true, url: 'https://bitbucket.org/acme/widgets' } });
  });

  it('opens the page of the named remote', async () => {
    await service.home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
    await service.home.git(['remote', 'add', 'fork', 'https://jdoe@bitbucket.org/jdoe/widgets-fork.git'], repo);
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo, remote: 'fork' })).toMatchObject({ ok: true, value: { url: 'https://bitbucket.org/jdoe/widgets-fork' } });
  });

  it('opens a Data Center project page only on a server the user declared, never because a remote names it', async () => {
    await service.home.git(['remote', 'add', 'origin', 'https://git.example.com/bitbucket/scm/PROJ/widgets.git'], repo);
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo })).toEqual({
      ok: false,
      error: {
        code: 'not-applicable',
        message: 'Push Doctor opens pages only on Bitbucket Cloud and on the Data Center servers you declared. To open https://git.example.com/bitbucket/projects/PROJ/repos/widgets, add git.example.com to the Data Center servers in Settings.',
      },
    });
    // Nor an address on it given as a plain URL.
    expect(await callHandler(service.handlers, 'external.open', { kind: 'url', url: 'https://git.example.com/bitbucket/plugins/servlet/ssh/account/keys' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(service.main.opened).toEqual([]);

    await callHandler(service.handlers, 'settings.set', { bitbucketHosts: ['git.example.com'] });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo })).toMatchObject({ ok: true, value: { url: 'https://git.example.com/bitbucket/projects/PROJ/repos/widgets' } });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'url', url: 'https://git.example.com/bitbucket/plugins/servlet/ssh/account/keys' })).toMatchObject({ ok: true });
    // Another port of a declared host is another server.
    expect(await callHandler(service.handlers, 'external.open', { kind: 'url', url: 'https://git.example.com:8443/' })).toMatchObject({ ok: false });
    expect(service.main.opened).toEqual(['https://git.example.com/bitbucket/projects/PROJ/repos/widgets', 'https://git.example.com/bitbucket/plugins/servlet/ssh/account/keys']);
  });

  it('opens a Data Center server’s HTTP access tokens page only for a declared server, context path kept', async () => {
    expect(await callHandler(service.handlers, 'external.open', { kind: 'access-tokens', server: 'git.example.com' })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: 'Push Doctor does not open that address: git.example.com is not a Bitbucket or Atlassian page.' } });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'access-tokens', server: 'http://git.example.com' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(service.main.opened).toEqual([]);
    await callHandler(service.handlers, 'settings.set', { bitbucketHosts: ['git.example.com'] });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'access-tokens', server: 'git.example.com' })).toEqual({ ok: true, value: { opened: true, url: `https://git.example.com${DC_ACCESS_TOKENS_PAGE}` } });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'access-tokens', server: 'https://git.example.com/bitbucket' })).toMatchObject({ ok: true, value: { url: `https://git.example.com/bitbucket${DC_ACCESS_TOKENS_PAGE}` } });
    expect(service.main.opened).toHaveLength(2);
  });

  it('builds the allow-list from the facts and the declared servers only', () => {
    expect(externalAllowList(['git.corp.example', 'bb.corp.example:7990'])).toEqual([...OPEN_EXTERNAL_ALLOWED_HOSTS, 'git.corp.example', 'bb.corp.example', 'bb.corp.example:7990']);
    expect(checkExternalUrl('https://bb.corp.example:7990/projects', externalAllowList(['bb.corp.example:7990']))).toMatchObject({ ok: true });
    expect(checkExternalUrl('https://bb.corp.example/projects', externalAllowList(['bb.corp.example:7990']))).toMatchObject({ ok: true });
    expect(checkExternalUrl('https://bb.corp.example:8443/projects', externalAllowList(['bb.corp.example:7990']))).toMatchObject({ ok: false });
  });

  it('refuses remotes that are not Bitbucket, Data Center over http, and missing remotes', async () => {
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'This repository has no remote.' } });
    await service.home.git(['remote', 'add', 'origin', 'https://github.com/acme/widgets.git'], repo);
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo })).toMatchObject({ ok: false, error: { code: 'not-applicable' } });
    await service.home.git(['remote', 'add', 'dc', 'http://git.example.com/scm/PROJ/widgets.git'], repo);
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo, remote: 'dc' })).toMatchObject({ ok: false, error: { code: 'not-applicable' } });
    expect(await callHandler(service.handlers, 'external.open', { kind: 'repository', path: repo, remote: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(service.main.opened).toEqual([]);
  });
});
