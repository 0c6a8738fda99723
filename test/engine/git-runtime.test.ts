import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type EngineContext } from '../../app/context.js';
import { findProgram, gitForWindowsLayout, gitRuntime, planCommandLine, planProgram, runPlanned, runtimeFor } from '../../app/exec/git-runtime.js';
import { plainShellWords } from '../../app/exec/shell-words.js';
import { helperCall } from '../../app/fix/credential-io.js';
import { inspectSshEndpoint } from '../../app/ssh/endpoint.js';
import { nativePath } from '../../app/repo/repository.js';
import { parseRemoteUrl } from '../../app/repo/url.js';
import { chooseSshCommand, portArgs, variantSwitches } from '../../app/ssh/command.js';
import { fakeGitForWindows, type FakeGitForWindows } from '../support/git-for-windows.js';
import { createHome, type TestHome } from '../support/home.js';
import { posixOnly, skipNote, windowsOnly } from '../support/platform.js';

describe('plain words: what sh would make of a line without shell syntax', () => {
  it.each([
    ['ssh -i k', ['ssh', '-i', 'k']],
    ['"C:\\Program Files\\PuTTY\\plink.exe" -batch', ['C:\\Program Files\\PuTTY\\plink.exe', '-batch']],
    ["'/opt/my ssh/ssh' -o 'UserKnownHostsFile=/t/a /t/b'", ['/opt/my ssh/ssh', '-o', 'UserKnownHostsFile=/t/a /t/b']],
    ['C:\\Users\\me\\plink.exe', ['C:Usersmeplink.exe']],
    ['git credential-store --file "a \\"b\\"" get', ['git', 'credential-store', '--file', 'a "b"', 'get']],
    ['ssh -o StrictHostKeyChecking=no', ['ssh', '-o', 'StrictHostKeyChecking=no']],
  ])('%s', (line, words) => {
    expect(plainShellWords(line)).toEqual(words);
  });

  it.each(['f() { echo; }; f', 'GIT_TRACE=1 ssh', 'ssh -i ~/.ssh/id', 'ssh $OPTS', 'ssh "unclosed', 'a | b', 'ssh *', 'ssh # comment', 'ssh `x`'])('needs a shell: %s', (line) => {
    expect(plainShellWords(line)).toBeNull();
  });
});

describe('plink and TortoisePlink named the way Windows users write them, variant as git decides it (connect.c)', () => {
  const choose = (env: NodeJS.ProcessEnv, core: string | null = null) =>
    chooseSshCommand({ env, coreSshCommand: core === null ? null : { value: core, origin: 'core.sshCommand in C:/Users/me/.gitconfig' }, sshVariantConfig: null, platform: 'win32' });

  it.each([
    ['GIT_SSH with backslashes', { GIT_SSH: 'C:\\Program Files\\PuTTY\\plink.exe' }, null, 'plink'],
    ['GIT_SSH TortoisePlink', { GIT_SSH: 'C:\\Program Files\\TortoiseGit\\bin\\TortoisePlink.exe' }, null, 'tortoiseplink'],
    ['core.sshCommand with forward slashes', {}, '"C:/Program Files/PuTTY/plink.exe"', 'plink'],
    ["core.sshCommand in single quotes keeps its backslashes", {}, "'C:\\Program Files\\PuTTY\\plink.exe' -v", 'plink'],
    // git's split_cmdline drops a backslash inside double quotes, so git no longer sees "plink.exe" and tests the program with -G.
    ['core.sshCommand with backslashes in double quotes', {}, '"C:\\Program Files\\PuTTY\\plink.exe"', 'auto'],
  ] as const)('%s', (_name, env, core, variant) => {
    expect(choose(env, core).variant).toBe(variant);
  });

  it('plink gets -batch (never prompts) and -P for the port; TortoisePlink gets -batch from git itself', () => {
    expect(variantSwitches('plink', { sshOptions: [['BatchMode', 'yes']], sshFlags: ['-T'] })).toEqual(['-batch', '-T']);
    expect(variantSwitches('tortoiseplink', { sshOptions: [['BatchMode', 'yes']], sshFlags: ['-T'] })).toEqual(['-T']);
    expect(portArgs('plink', 7999)).toEqual(['-P', '7999']);
  });
});

describe('Git for Windows layout from git --exec-path', () => {
  it.each([
    ['C:/Program Files/Git/mingw64/libexec/git-core', { root: 'C:/Program Files/Git', prefix: 'mingw64' }],
    ['C:\\Program Files\\Git\\clangarm64\\libexec\\git-core\\', { root: 'C:\\Program Files\\Git', prefix: 'clangarm64' }],
    ['D:/tools/PortableGit/mingw32/libexec/git-core', { root: 'D:/tools/PortableGit', prefix: 'mingw32' }],
    ['/usr/lib/git-core', null],
    ['C:/msys64/usr/lib/git-core', null],
  ])('%s', (execPath, layout) => {
    expect(gitForWindowsLayout(execPath)).toEqual(layout);
  });

  it('a path git prints (git rev-parse --show-toplevel: C:/Users/…) becomes the form Windows writes, one folder one name', () => {
    expect(nativePath('C:/Users/jdoe/src/widgets', path.win32)).toBe('C:\\Users\\jdoe\\src\\widgets');
    expect(nativePath('//server/share/widgets', path.win32)).toBe('\\\\server\\share\\widgets');
    expect(nativePath('/home/jdoe/src/widgets', path.posix)).toBe('/home/jdoe/src/widgets');
    expect(nativePath('', path.win32)).toBe('');
  });
});

describe.skipIf(posixOnly.skip)(`the way git runs commands on Windows, driven through a Git for Windows layout${skipNote(posixOnly)}`, () => {
  let gfw: FakeGitForWindows;
  const home = 'C:/Users/me';
  const winEnv = () => ({ ...gfw.env, HOME: home });

  beforeEach(async () => {
    gfw = await fakeGitForWindows();
  });
  afterEach(async () => {
    await gfw.cleanup();
  });

  it("finds git's own sh.exe and puts git's folders before the user's PATH", async () => {
    const rt = await runtimeFor({ platform: 'win32', env: winEnv(), homeDir: home, execPath: gfw.execPath });
    expect(rt.installRoot).toBe(gfw.root);
    expect(rt.shell).toBe(`${gfw.root}/usr/bin/sh.exe`);
    expect(rt.path.slice(0, 4)).toEqual([gfw.execPath, `${gfw.root}/mingw64/bin`, `${gfw.root}/usr/bin`, `${home}/bin`]);
    expect(rt.path).toContain(`${gfw.systemRoot}/System32/OpenSSH`);
    // git sets PLINK_PROTOCOL for its children when it is unset (compat/mingw.c).
    expect(rt.env.PLINK_PROTOCOL).toBe('ssh');
  });

  it("runs Git for Windows' own ssh.exe, not Windows' OpenSSH that comes first on the user's PATH", async () => {
    const rt = await runtimeFor({ platform: 'win32', env: winEnv(), homeDir: home, execPath: gfw.execPath });
    const userPathOnly = { ...rt, path: (gfw.env.PATH ?? '').split(path.delimiter) };
    // The setup means something: on the user's PATH alone, ssh is Windows' own.
    expect(await findProgram(userPathOnly, 'ssh')).toBe(`${gfw.systemRoot}/System32/OpenSSH/ssh.exe`);
    expect(await planProgram(rt, 'ssh', ['-V'])).toEqual({ ok: true, file: `${gfw.root}/usr/bin/ssh.exe`, args: ['-V'], viaShell: false });
  });

  it('runs plain words without a shell, and shell syntax in sh.exe, really', async () => {
    const putty = path.join(path.dirname(gfw.root), 'PuTTY');
    await mkdir(putty, { recursive: true });
    await writeFile(path.join(putty, 'plink.exe'), '#!/bin/sh\necho "plink $*"\n');
    await chmod(path.join(putty, 'plink.exe'), 0o755);
    const rt = await runtimeFor({ platform: 'win32', env: { ...winEnv(), PATH: `${gfw.env.PATH}${path.delimiter}${putty}` }, homeDir: home, execPath: gfw.execPath });
    const plink = await planCommandLine(rt, `"plink" -batch -v`, ['-P', '2222', 'git@host']);
    expect(plink).toEqual({ ok: true, file: `${putty}/plink.exe`, args: ['-batch', '-v', '-P', '2222', 'git@host'], viaShell: false });
    expect((await runPlanned(rt, plink, { env: winEnv(), timeoutMs: 10_000 })).stdout).toBe('plink -batch -v -P 2222 git@host\n');

    const scripted = await planCommandLine(rt, 'f() { echo "got $1"; }; f', ['one']);
    expect(scripted).toMatchObject({ ok: true, file: `${gfw.root}/usr/bin/sh.exe`, viaShell: true });
    const result = await runPlanned(rt, scripted, { env: winEnv(), timeoutMs: 10_000 });
    expect(result.stdout).toBe('got one\n');
    expect(await gfw.calls()).toEqual([expect.stringMatching(/^sh\.exe -c f\(\) \{ echo "got \$1"; \}; f "\$@"/)]);

    // MSYS2's sh converts "/c/Users/..." for Windows programs: such a line keeps the shell.
    expect(await planCommandLine(rt, 'ssh -F /c/Users/me/.ssh/config')).toMatchObject({ ok: true, viaShell: true });
    expect(await planCommandLine(rt, 'ssh -i ~/.ssh/id')).toMatchObject({ ok: true, viaShell: true });
  });

  it('says plainly when the install has no shell, and still runs what needs none', async () => {
    const bare = await fakeGitForWindows({ withoutShell: true });
    try {
      const rt = await runtimeFor({ platform: 'win32', env: { ...bare.env, HOME: home }, homeDir: home, execPath: bare.execPath });
      expect(rt.shell).toBeNull();
      const planned = await planCommandLine(rt, 'f() { :; }; f');
      expect(planned.ok).toBe(false);
      expect(!planned.ok && planned.reason).toContain(`${bare.root}/usr/bin/sh.exe and ${bare.root}/bin/sh.exe`);
      expect(await planCommandLine(rt, 'ssh -T')).toMatchObject({ ok: true, file: `${bare.root}/usr/bin/ssh.exe`, viaShell: false });
    } finally {
      await bare.cleanup();
    }
  });

  it('a git that is not Git for Windows: no shell is guessed from the PATH', async () => {
    const rt = await runtimeFor({ platform: 'win32', env: winEnv(), homeDir: home, execPath: 'C:/msys64/usr/lib/git-core' });
    expect(rt.shell).toBeNull();
    expect(rt.shellMissing).toMatch(/not inside a Git for Windows installation/);
  });
});

describe.skipIf(posixOnly.skip)(`the engine on Windows' seams: credential helpers and ssh${skipNote(posixOnly)}`, () => {
  let gfw: FakeGitForWindows;
  let testHome: TestHome;
  let ctx: EngineContext;

  beforeEach(async () => {
    gfw = await fakeGitForWindows();
    testHome = await createHome();
    Object.assign(testHome.env, gfw.env);
    ctx = { ...createContext({ env: testHome.env }), platform: 'win32' };
  });
  afterEach(async () => {
    await gfw.cleanup();
    await testHome.cleanup();
  });

  it("asks git itself where it lives (git --exec-path), once per context", async () => {
    const rt = await gitRuntime(ctx);
    expect(rt.execPath).toBe(gfw.execPath);
    expect(await gitRuntime(ctx)).toBe(rt);
  });

  it('runs a named helper as `git credential-<name>` without a shell, and a "!" helper in sh.exe', async () => {
    // A relative --file (the helper runs in the home): a POSIX absolute path would need MSYS2's sh.
    await writeFile(path.join(testHome.dir, 'creds'), 'https://jdoe:s3cret-token@bitbucket.org\n', { mode: 0o600 });
    const named = await helperCall(ctx, 'store --file creds', 'get', { protocol: 'https', host: 'bitbucket.org' });
    expect(named.ok).toBe(true);
    expect(named.username).toBe('jdoe');
    expect(await gfw.calls()).toEqual([]);

    const shell = await helperCall(ctx, '!f() { test "$1" = get && printf "username=x\\npassword=from-shell\\n"; }; f', 'get', { protocol: 'https', host: 'bitbucket.org' });
    expect(shell.ok).toBe(true);
    expect(shell.username).toBe('x');
    expect((await gfw.calls()).filter((c) => c.startsWith('sh.exe -c f()'))).toHaveLength(1);
  });

  it("ssh -G runs through Git for Windows' ssh.exe, which the endpoint names as the ssh git uses", async () => {
    const repo = await testHome.repo();
    const url = parseRemoteUrl('git@ssh.bitbucket.org:acme/widgets.git', 'linux');
    if (!url.ok) throw new Error(url.reason);
    const endpoint = await inspectSshEndpoint(ctx, repo, url.url);
    expect(endpoint.program).toBe(`${gfw.root}/usr/bin/ssh.exe`);
    expect(endpoint.flavour).toBe('git-for-windows');
    expect(endpoint.config?.hostname).toBe('ssh.bitbucket.org');
    const calls = await gfw.calls();
    // core.sshCommand holds a POSIX path (the test home's), so it ran in sh.exe, as MSYS2 paths need.
    expect(calls.some((c) => c.startsWith('sh.exe -c ssh -F'))).toBe(true);
    expect(calls.some((c) => c.startsWith('git-ssh ') && c.endsWith(' -G git@ssh.bitbucket.org'))).toBe(true);
    expect(calls.some((c) => c.startsWith('windows-ssh'))).toBe(false);
  });

  it("core.sshCommand set to Windows' OpenSSH is recognised as OpenSSH for Windows", async () => {
    const repo = await testHome.repo();
    const windowsSsh = `${gfw.systemRoot}/System32/OpenSSH/ssh.exe`;
    await testHome.git(['config', 'core.sshCommand', windowsSsh], repo);
    const url = parseRemoteUrl('git@ssh.bitbucket.org:acme/widgets.git', 'linux');
    if (!url.ok) throw new Error(url.reason);
    const endpoint = await inspectSshEndpoint(ctx, repo, url.url);
    expect(endpoint.program).toBe(windowsSsh);
    expect(endpoint.flavour).toBe('windows-openssh');
    expect(endpoint.evidence.join('\n')).toContain('OpenSSH for Windows, OpenSSH_for_Windows_7.7p1');
  });
});

describe.skipIf(windowsOnly.skip)(`Git for Windows on this machine, for real${skipNote(windowsOnly)}`, () => {
  // A default install puts only Git\cmd on the PATH: take everything else of Git's away.
  const defaultPath = (env: NodeJS.ProcessEnv) =>
    (env.Path ?? env.PATH ?? '')
      .split(';')
      .filter((dir) => !/[\\/]Git[\\/](usr[\\/]bin|bin|mingw64[\\/]bin)[\\/]?$/i.test(dir))
      .join(';');

  it("finds git's own sh.exe and ssh.exe from git --exec-path, with only Git\\cmd on the PATH", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, Path: defaultPath(process.env) };
    delete env.PATH;
    const ctx = { ...createContext({ env }), platform: 'win32' as const };
    const rt = await gitRuntime(ctx);
    expect(rt.execPath).toMatch(/[\\/]libexec[\\/]git-core$/);
    expect(rt.shell).toMatch(/[\\/]usr[\\/]bin[\\/]sh\.exe$/i);
    const ssh = await planProgram(rt, 'ssh', ['-V']);
    const norm = (p: string) => p.replace(/\\/g, '/').toLowerCase();
    expect(ssh.ok && norm(ssh.file)).toBe(norm(`${rt.installRoot}/usr/bin/ssh.exe`));
    const version = await runPlanned(rt, ssh, { env, timeoutMs: 20_000 });
    expect(`${version.stderr}${version.stdout}`).toMatch(/^OpenSSH_/m);
    expect(`${version.stderr}${version.stdout}`).not.toMatch(/OpenSSH_for_Windows/);

    const scripted = await runPlanned(rt, await planCommandLine(rt, 'f() { echo "sh says $1"; }; f', ['hi']), { env, timeoutMs: 20_000 });
    expect(scripted.stdout.trim()).toBe('sh says hi');

    const helper = await helperCall(ctx, '!f() { test "$1" = get && echo password=from-git-sh; }; f', 'get', { protocol: 'https', host: 'bitbucket.org' });
    expect(helper.password).not.toBeNull();
  });
});
