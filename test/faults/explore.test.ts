import { it } from 'vitest';
import { diagnose } from '../../app/diagnose/diagnose.js';
import { createHome, type TestHome } from '../support/home.js';
import { startFaultServer } from '../support/fault-servers.js';
import { approveCredential } from '../support/https-home.js';
import { hostBlock, CLOUD_HOST, CLOUD_REMOTE, makeKey } from '../support/ssh-scenario.js';
import { refusedPort, startFakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { startFakeBitbucketHttp } from '../support/bitbucket-http.js';
import { installFakePlink, pathWithout, preferHomeBin, which, writeTool, NOT_UTF8 } from '../support/fault-tools.js';

const TOKEN = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789=ABCDEF12';
async function httpsTo(base: string, home?: TestHome) {
  home ??= await createHome();
  await home.git(['config', '--global', `url.${base}/.insteadOf`, 'https://bitbucket.org/']);
  await home.git(['config', '--global', 'credential.helper', 'store']);
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], repo);
  await approveCredential(home, repo, `${base}/acme/widgets.git`, 'jdoe', TOKEN);
  return { home, repo };
}
async function sshTo(hostName: string, port: number, home?: TestHome) {
  home ??= await createHome();
  const key = await makeKey(home);
  await home.writeSshConfig(hostBlock(CLOUD_HOST, port, key.path).replace('HostName 127.0.0.1', `HostName ${hostName}`));
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', CLOUD_REMOTE], repo);
  return { home, repo };
}

const show = async (name: string, c: { home: TestHome; repo: string }, stop?: () => Promise<void>, hosts: string[] = []) => {
  const t = Date.now();
  try {
    const report = await diagnose(c.home.context({ timeoutMs: 2000, bitbucketHosts: hosts }), c.repo);
    let out = `\n### ${name} ${Date.now() - t} ms verdict=${report.verdict}\n`;
    for (const f of report.findings) out += `  ${f.severity} ${f.code}: ${f.title}\n     ${f.evidence.join('\n     ')}\n`;
    for (const ch of report.checks) out += `  [${ch.status}] ${ch.id}: ${ch.summary}\n`;
    console.log(out);
  } catch (e) { console.log(`\n### ${name} THREW after ${Date.now() - t} ms: ${e}`); }
  await stop?.(); await c.home.cleanup();
};

it('explore', async () => {
  const jobs: Array<Promise<void>> = [];
  jobs.push((async () => { const p = await refusedPort(); await show('https refused', await httpsTo(`https://127.0.0.1:${p}`)); })());
  jobs.push((async () => { await show('https unresolvable', await httpsTo('https://bitbucket.invalid')); })());
  jobs.push((async () => { const p = await refusedPort(); await show('ssh refused', await sshTo('127.0.0.1', p)); })());
  jobs.push((async () => { await show('ssh unresolvable', await sshTo('ssh.bitbucket.invalid', 22)); })());
  // credential helper endless
  jobs.push((async () => {
    const server = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const c = await httpsTo(server.url);
    await c.home.git(['config', '--global', '--add', 'credential.helper', '!f() { while :; do echo "noise=$$"; done; }; f']);
    await c.home.git(['config', '--global', '--unset-all', 'credential.helper', '^store$']);
    await show('helper endless', c, () => server.stop());
  })());
  jobs.push((async () => {
    const server = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const c = await httpsTo(server.url);
    await c.home.git(['config', '--global', 'credential.helper', `!f() { test "$1" = get || exit 0; printf 'username=j${NOT_UTF8}\\npassword=${TOKEN}\\n'; printf '${NOT_UTF8}\\n' >&2; }; f`]);
    await show('helper non-utf8', c, () => server.stop());
  })());
  // ssh command endless
  jobs.push((async () => {
    const p = await refusedPort();
    const c = await sshTo('127.0.0.1', p);
    const tool = await writeTool(c.home, 'ssh', 'while :; do echo "ssh noise $$" >&2; done');
    await c.home.git(['config', '--global', 'core.sshCommand', tool]);
    await show('ssh endless', c);
  })());
  jobs.push((async () => {
    const p = await refusedPort();
    const c = await sshTo('127.0.0.1', p);
    const real = which('ssh');
    const tool = await writeTool(c.home, 'ssh', `printf '${NOT_UTF8}\\n' >&2; exec ${real} -F ${c.home.sshDir}/config "$@"`);
    await c.home.git(['config', '--global', 'core.sshCommand', tool]);
    await show('ssh non-utf8', c);
  })());
  jobs.push((async () => {
    const farm = await pathWithout(['ssh']);
    const c = await sshTo('127.0.0.1', 22);
    c.home.env.PATH = farm.path;
    await show('ssh missing', c, farm.cleanup);
  })());
  jobs.push((async () => {
    const server = await startFakeBitbucketSsh();
    await server.createRepo('acme/widgets');
    const c = await sshTo('127.0.0.1', server.port);
    const plink = await installFakePlink(c.home);
    await c.home.git(['config', '--global', '--unset', 'core.sshCommand']);
    await c.home.writeSshConfig('');
    await c.home.git(['remote', 'set-url', 'origin', `ssh://git@127.0.0.1:${server.port}/acme/widgets.git`], c.repo);
    c.home.env.GIT_SSH = plink;
    await show('plink', c, () => server.stop(), ['127.0.0.1']);
  })());
  jobs.push((async () => {
    const farm = await pathWithout(['git']);
    const c = await httpsTo('https://127.0.0.1:9');
    c.home.env.PATH = farm.path;
    await show('git missing', c, farm.cleanup);
  })());
  jobs.push((async () => {
    const server = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const c = await httpsTo(server.url);
    await writeTool(c.home, 'git', `if [ "$1" = --version ]; then echo "git version 2.25.1"; exit 0; fi\nexec ${which('git')} "$@"`);
    preferHomeBin(c.home);
    await show('git old', c, () => server.stop());
  })());
  jobs.push((async () => {
    const server = await startFakeBitbucketHttp({ accounts: [{ username: 'jdoe', secret: TOKEN, kind: 'api-token' }], repos: { 'acme/widgets.git': { jdoe: 'write' } } });
    const c = await httpsTo(server.url);
    await writeTool(c.home, 'git', `printf '${NOT_UTF8}\\n' >&2\nexec ${which('git')} "$@"`);
    preferHomeBin(c.home);
    await show('git non-utf8', c, () => server.stop());
  })());
  await Promise.all(jobs);
}, 60000);
