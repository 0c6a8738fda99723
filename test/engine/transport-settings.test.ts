/**
 * How git connects to Bitbucket over HTTPS besides credentials: certificate checks turned off, a
 * certificate authority of the user's own, a proxy. Read from real git config (git's URL matching)
 * and the environment, with git's precedence, and reported as findings on Bitbucket remotes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { isSystemCaLocation, transportSettings, type TransportInputs } from '../../app/https/transport-settings.js';
import { createHome, type TestHome } from '../support/home.js';

let home: TestHome;
let repo: string;
beforeEach(async () => {
  home = await createHome();
  repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
});
afterEach(() => home.cleanup());

/** Offline: the settings are read from config and environment, nothing is contacted. */
async function connectionFindings() {
  const report = await diagnose(home.context(), repo, { offline: true });
  return report.findings.filter((f) => ['https.ssl-verify-off', 'https.custom-ca', 'https.proxy'].includes(f.code));
}

describe('HTTPS connection settings on a Bitbucket remote', () => {
  it('http.sslVerify=false in the user config: a warning that names the file', async () => {
    await home.git(['config', '--global', 'http.sslVerify', 'false']);
    expect(await connectionFindings()).toEqual([
      expect.objectContaining({
        code: 'https.ssl-verify-off',
        severity: 'warning',
        remote: 'origin',
        title: `git does not check the certificate of bitbucket.org (http.sslverify in ${home.dir}/.gitconfig).`,
        evidence: [`http.sslverify in ${home.dir}/.gitconfig: false`],
      }),
    ]);
  });

  it("only for the URLs it applies to, by git's own URL matching", async () => {
    await home.git(['config', '--global', 'http.https://example.com/.sslVerify', 'false']);
    await home.git(['config', '--global', 'http.https://bitbucket.org/.sslCAInfo', '/opt/corp/ca.pem']);
    expect((await connectionFindings()).map((f) => [f.code, f.evidence])).toEqual([['https.custom-ca', [`http.sslcainfo in ${home.dir}/.gitconfig: /opt/corp/ca.pem`]]]);
  });

  it('GIT_SSL_NO_VERIFY and GIT_SSL_CAINFO from the environment; a standard bundle is not custom', async () => {
    home.env.GIT_SSL_NO_VERIFY = '1';
    home.env.GIT_SSL_CAINFO = '/etc/ssl/certs/ca-certificates.crt';
    await home.git(['config', '--global', 'http.sslCAInfo', '/opt/corp/ignored.pem']);
    expect((await connectionFindings()).map((f) => [f.code, f.evidence])).toEqual([['https.ssl-verify-off', ['environment variable GIT_SSL_NO_VERIFY: 1']]]);
  });

  it('a proxy from the config, its password masked; remote.<name>.proxy wins over http.proxy', async () => {
    await home.git(['config', '--global', 'http.proxy', 'http://jdoe:proxy-secret-9@proxy.corp:3128']);
    let [proxy] = await connectionFindings();
    expect(proxy).toMatchObject({ code: 'https.proxy', severity: 'info', title: 'git reaches bitbucket.org through the proxy http://jdoe:•••••@proxy.corp:3128.' });
    expect(JSON.stringify(proxy)).not.toContain('proxy-secret-9');

    await home.git(['config', 'remote.origin.proxy', 'http://other.corp:8080'], repo);
    [proxy] = await connectionFindings();
    expect(proxy?.evidence).toEqual([`remote.origin.proxy in ${repo}/.git/config: http://other.corp:8080`]);
  });

  it('a proxy from https_proxy, unless no_proxy exempts Bitbucket or http.proxy is empty', async () => {
    home.env.https_proxy = 'http://proxy.corp:3128';
    expect((await connectionFindings()).map((f) => f.evidence)).toEqual([['environment variable https_proxy: http://proxy.corp:3128']]);
    home.env.no_proxy = 'localhost,.bitbucket.org';
    expect(await connectionFindings()).toEqual([]);
    delete home.env.no_proxy;
    await home.git(['config', '--global', 'http.proxy', '']);
    expect(await connectionFindings()).toEqual([]);
  });

  it('not for a remote that is not Bitbucket, nor for SSH remotes', async () => {
    await home.git(['config', '--global', 'http.sslVerify', 'false']);
    await home.git(['remote', 'set-url', 'origin', 'git@ssh.bitbucket.org:acme/widgets.git'], repo);
    await home.git(['remote', 'add', 'mirror', 'https://git.example.com/acme/widgets.git'], repo);
    expect(await connectionFindings()).toEqual([]);
  });
});

describe("transportSettings: git's precedence (pure)", () => {
  const inputs = (overrides: Partial<TransportInputs>): TransportInputs => ({
    env: {},
    url: 'https://bitbucket.org/acme/widgets.git',
    sslVerify: null,
    sslCaInfo: null,
    sslCaPath: null,
    proxy: null,
    where: (name) => `http.${name}`,
    ...overrides,
  });

  it('lower-case https_proxy wins over HTTPS_PROXY; all_proxy only without either; http_proxy only for http', () => {
    expect(transportSettings(inputs({ env: { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' } }))).toEqual([{ kind: 'proxy', value: 'http://lower:2', where: 'environment variable https_proxy' }]);
    expect(transportSettings(inputs({ env: { http_proxy: 'http://plain:1', ALL_PROXY: 'socks5://all:1' } }))).toEqual([{ kind: 'proxy', value: 'socks5://all:1', where: 'environment variable ALL_PROXY' }]);
    expect(transportSettings(inputs({ url: 'http://bb.corp/scm/p/r.git', env: { http_proxy: 'http://plain:1' }, sslVerify: 'false' }))).toEqual([{ kind: 'proxy', value: 'http://plain:1', where: 'environment variable http_proxy' }]);
  });

  it('sslVerify words git reads as false; other values keep checks on', () => {
    for (const value of ['false', 'no', 'off', '0', 'FALSE']) expect(transportSettings(inputs({ sslVerify: value })).map((s) => s.kind)).toEqual(['ssl-verify-off']);
    for (const value of ['true', 'yes', '1']) expect(transportSettings(inputs({ sslVerify: value }))).toEqual([]);
  });

  it('standard certificate bundles of Linux, macOS and Git for Windows are not custom', () => {
    for (const file of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', 'C:/Program Files/Git/mingw64/etc/ssl/certs/ca-bundle.crt', 'C:\\Program Files\\Git\\mingw64\\ssl\\certs\\ca-bundle.crt', '/opt/homebrew/etc/openssl@3/cert.pem']) {
      expect(isSystemCaLocation(file), file).toBe(true);
    }
    expect(isSystemCaLocation('/home/jdoe/corp-root.pem')).toBe(false);
  });
});
