import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  binFolderFor,
  decideLink,
  describeCliInstall,
  installCommandLineTool,
  isOnPath,
  isOwnLink,
  launcherOutOfPlace,
  pathEntries,
  type CliInstallOutcome,
  type CliInstallRequest,
} from '../../app/cli/install.js';
import { skipNote, type PlatformSkip } from '../support/platform.js';

const MAC_LAUNCHER = '/Applications/Bitbucket Push Doctor.app/Contents/Resources/cli/push-doctor';
const DEB_LAUNCHER = '/opt/Bitbucket Push Doctor/resources/cli/push-doctor';

describe('where and whether to link (pure)', () => {
  it('links into ~/.local/bin, and on macOS into /usr/local/bin when the user may write there', () => {
    expect(binFolderFor('linux', '/home/me', true)).toBe('/home/me/.local/bin');
    expect(binFolderFor('darwin', '/Users/me', true)).toBe('/usr/local/bin');
    expect(binFolderFor('darwin', '/Users/me', false)).toBe('/Users/me/.local/bin');
  });

  it("knows its own links (any Push Doctor app's launcher) from everything else", () => {
    expect(isOwnLink(MAC_LAUNCHER)).toBe(true);
    expect(isOwnLink(DEB_LAUNCHER)).toBe(true);
    expect(isOwnLink('/Volumes/Old Copy/Bitbucket Push Doctor.app/Contents/Resources/cli/push-doctor')).toBe(true);
    // The npm package's command, and anything else called push-doctor, is the user's.
    expect(isOwnLink('/usr/local/lib/node_modules/bitbucket-push-doctor/bin/push-doctor.mjs')).toBe(false);
    expect(isOwnLink('/home/me/bin/push-doctor')).toBe(false);
    expect(isOwnLink('/opt/other/resources/cli/push-doctor-old')).toBe(false);
  });

  it('creates where nothing is, keeps its own link, replaces only its own older link, refuses the rest', () => {
    expect(decideLink({ type: 'none' }, DEB_LAUNCHER)).toBe('create');
    expect(decideLink({ type: 'link', target: DEB_LAUNCHER }, DEB_LAUNCHER)).toBe('keep');
    expect(decideLink({ type: 'link', target: '/opt/Old Push Doctor/resources/cli/push-doctor' }, DEB_LAUNCHER)).toBe('replace');
    expect(decideLink({ type: 'link', target: '/usr/lib/node_modules/bitbucket-push-doctor/bin/push-doctor.mjs' }, DEB_LAUNCHER)).toBe('refuse');
    expect(decideLink({ type: 'file' }, DEB_LAUNCHER)).toBe('refuse');
    expect(decideLink({ type: 'folder' }, DEB_LAUNCHER)).toBe('refuse');
  });

  it('reads the PATH as the shell searches it', () => {
    expect(pathEntries('/usr/bin::~/.local/bin:/opt/x/bin/', 'linux', '/home/me')).toEqual(['/usr/bin', '/home/me/.local/bin', '/opt/x/bin']);
    expect(isOnPath('/home/me/.local/bin', '/usr/bin:/home/me/.local/bin/', 'linux', '/home/me')).toBe(true);
    expect(isOnPath('/home/me/.local/bin', '/usr/bin:/bin', 'linux', '/home/me')).toBe(false);
    expect(isOnPath('/Users/me/.local/bin', '/usr/bin:~/.local/bin', 'darwin', '/Users/me')).toBe(true);
    // Windows: ';', quotes, a trailing backslash and any case.
    const winPath = 'C:\\Windows\\system32;"C:\\Users\\Me\\AppData\\Local\\Programs\\bitbucket-push-doctor\\resources\\cli\\"';
    expect(isOnPath('C:\\Users\\me\\AppData\\Local\\Programs\\Bitbucket-Push-Doctor\\resources\\cli', winPath, 'win32', 'C:\\Users\\me')).toBe(true);
    expect(isOnPath('C:\\Tools', winPath, 'win32', 'C:\\Users\\me')).toBe(false);
  });

  it('knows a macOS app that still runs from its disk image or a translocated copy', () => {
    expect(launcherOutOfPlace('/Volumes/Bitbucket Push Doctor 0.1.0/Bitbucket Push Doctor.app/Contents/Resources/cli/push-doctor')).toBe(true);
    expect(launcherOutOfPlace('/private/var/folders/x/T/AppTranslocation/1234/d/Bitbucket Push Doctor.app/Contents/Resources/cli/push-doctor')).toBe(true);
    expect(launcherOutOfPlace(MAC_LAUNCHER)).toBe(false);
  });
});

describe('what needs no link', () => {
  const base = { homeDir: '/home/me', pathVariable: '/usr/bin:/bin' };

  it('from source: nothing to link, and says so', async () => {
    const outcome = await installCommandLineTool({ ...base, platform: 'linux', launcher: null });
    expect(outcome).toEqual({ kind: 'not-packaged' });
    expect(describeCliInstall(outcome).message).toBe('The command line tool is installed only from the installed app.');
  });

  it('an AppImage: says how to run its command, since its mount moves', async () => {
    const outcome = await installCommandLineTool({ ...base, platform: 'linux', launcher: '/tmp/.mount_BitbuXYZ/resources/cli/push-doctor', appImage: '/home/me/Apps/Push Doctor.AppImage' });
    expect(outcome).toEqual({ kind: 'appimage', appImage: '/home/me/Apps/Push Doctor.AppImage' });
    const { detail } = describeCliInstall(outcome);
    expect(detail).toContain(`'/home/me/Apps/Push Doctor.AppImage' --cli -- diagnose`);
    expect(detail).toContain(`alias push-doctor=''\\''/home/me/Apps/Push Doctor.AppImage'\\'' --cli --'`);
  });

  it('macOS from the disk image: asks to move the app to Applications first', async () => {
    const outcome = await installCommandLineTool({ ...base, platform: 'darwin', launcher: '/Volumes/Bitbucket Push Doctor/Bitbucket Push Doctor.app/Contents/Resources/cli/push-doctor' });
    expect(outcome.kind).toBe('not-in-place');
    expect(describeCliInstall(outcome).message).toBe('Move Bitbucket Push Doctor to your Applications folder first.');
  });

  it('Windows: shows the launcher, whether its folder is on the PATH, and the npm package for scripts', async () => {
    const launcher = 'C:\\Users\\me\\AppData\\Local\\Programs\\bitbucket-push-doctor\\resources\\cli\\push-doctor.cmd';
    const off = await installCommandLineTool({ platform: 'win32', homeDir: 'C:\\Users\\me', pathVariable: 'C:\\Windows\\system32', launcher });
    expect(off).toEqual({ kind: 'windows', launcher, onPath: false });
    const text = describeCliInstall(off);
    expect(text.message).toBe(`The command line tool is ${launcher}.`);
    expect(text.detail).toContain('add C:\\Users\\me\\AppData\\Local\\Programs\\bitbucket-push-doctor\\resources\\cli to your PATH');
    expect(text.detail).toContain('cannot read answers typed there (use --yes with fix)');
    expect(text.detail).toContain('npx bitbucket-push-doctor diagnose');
    const on = await installCommandLineTool({ platform: 'win32', homeDir: 'C:\\Users\\me', pathVariable: `C:\\Windows;${path.win32.dirname(launcher)}`, launcher });
    expect(describeCliInstall(on).detail).toMatch(/^Its folder is on your PATH/);
  });
});

const symlinks: PlatformSkip = {
  skip: process.platform === 'win32',
  reason: 'skipped on Windows: the app links push-doctor only on macOS and Linux (Windows shows the launcher instead)',
};

describe.skipIf(symlinks.skip)(`installing the link in a throwaway home${skipNote(symlinks)}`, () => {
  let root: string;
  let home: string;
  let launcher: string;
  let bin: string;
  let link: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-cli-install-'));
    home = path.join(root, 'home');
    bin = path.join(home, '.local', 'bin');
    link = path.join(bin, 'push-doctor');
    launcher = path.join(root, 'opt', 'Bitbucket Push Doctor', 'resources', 'cli', 'push-doctor');
    await mkdir(home, { recursive: true });
    await mkdir(path.dirname(launcher), { recursive: true });
    await writeFile(launcher, '#!/bin/sh\n');
    await chmod(launcher, 0o755);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const install = (request: Partial<CliInstallRequest> = {}) =>
    installCommandLineTool({ platform: 'linux', homeDir: home, pathVariable: '/usr/bin:/bin', launcher, sharedBinDir: path.join(root, 'usr-local-bin'), ...request });

  it('creates ~/.local/bin and the link, and says the folder is not on the PATH yet, with the line to add', async () => {
    const outcome = await install();
    expect(outcome).toEqual({ kind: 'installed', link, launcher, replaced: null, onPath: false, shadowedBy: null });
    expect(await readlink(link)).toBe(launcher);
    const text = describeCliInstall(outcome);
    expect(text).toMatchObject({ warning: true, message: `push-doctor is installed in ${bin}.` });
    expect(text.detail).toContain(`${bin} is not on your PATH yet.`);
    expect(text.detail).toContain('export PATH="$HOME/.local/bin:$PATH"');
  });

  it('on the PATH: nothing to do but open a new terminal; a second install keeps the link', async () => {
    const pathVariable = `/usr/bin:${bin}/`;
    const outcome = await install({ pathVariable });
    expect(outcome).toMatchObject({ kind: 'installed', onPath: true, shadowedBy: null });
    expect(describeCliInstall(outcome)).toMatchObject({ warning: false, detail: 'Open a new terminal and run: push-doctor diagnose' });
    const before = await lstat(link);
    const again = await install({ pathVariable });
    expect(again).toEqual({ kind: 'already-installed', link, launcher, onPath: true, shadowedBy: null });
    expect(describeCliInstall(again).message).toBe(`push-doctor is already installed in ${bin}.`);
    expect((await lstat(link)).ino).toBe(before.ino);
  });

  it('refuses a push-doctor file it did not make, and leaves it byte for byte', async () => {
    await mkdir(bin, { recursive: true });
    await writeFile(link, '#!/bin/sh\necho my own push-doctor\n');
    await chmod(link, 0o700);
    const before = await stat(link);
    const outcome = await install();
    expect(outcome).toEqual({ kind: 'refused', link, launcher, existing: { type: 'file' } });
    expect(await readFile(link, 'utf8')).toBe('#!/bin/sh\necho my own push-doctor\n');
    const after = await stat(link);
    expect({ mode: after.mode, mtime: after.mtimeMs, ino: after.ino }).toEqual({ mode: before.mode, mtime: before.mtimeMs, ino: before.ino });
    const text = describeCliInstall(outcome);
    expect(text.message).toBe(`There is already a push-doctor in ${bin} that Push Doctor did not make; it is left as it is.`);
    expect(text.detail).toContain(`${link} is a file.`);
    expect(text.detail).toContain(`'${launcher}' diagnose`);
  });

  it("refuses the npm package's push-doctor link and a folder of that name", async () => {
    await mkdir(bin, { recursive: true });
    const npmCommand = path.join(root, 'lib', 'node_modules', 'bitbucket-push-doctor', 'bin', 'push-doctor.mjs');
    await symlink(path.relative(bin, npmCommand), link);
    const outcome = await install();
    expect(outcome).toEqual({ kind: 'refused', link, launcher, existing: { type: 'link', target: npmCommand } });
    expect(await readlink(link)).toBe(path.relative(bin, npmCommand));
    expect(describeCliInstall(outcome).detail).toContain(`${link} is a link to ${npmCommand}.`);

    await rm(link);
    await mkdir(link);
    expect(await install()).toMatchObject({ kind: 'refused', existing: { type: 'folder' } });
    expect((await stat(link)).isDirectory()).toBe(true);
  });

  it('replaces its own link to an app that moved or was removed, in one step, leaving no temporary file', async () => {
    await mkdir(bin, { recursive: true });
    const old = path.join(root, 'old', 'Bitbucket Push Doctor', 'resources', 'cli', 'push-doctor');
    await symlink(old, link);
    const outcome = await install();
    expect(outcome).toMatchObject({ kind: 'installed', replaced: old });
    expect(await readlink(link)).toBe(launcher);
    expect(await readdir(bin)).toEqual(['push-doctor']);
    expect(describeCliInstall(outcome).detail).toContain(`It replaces the link to ${old}.`);
  });

  it('says when another push-doctor comes first on the PATH', async () => {
    const other = path.join(root, 'npm-bin');
    await mkdir(other);
    await writeFile(path.join(other, 'push-doctor'), '#!/bin/sh\n');
    await chmod(path.join(other, 'push-doctor'), 0o755);
    const outcome = await install({ pathVariable: `/usr/bin:${other}:${bin}` });
    expect(outcome).toMatchObject({ kind: 'installed', onPath: true, shadowedBy: path.join(other, 'push-doctor') });
    const text = describeCliInstall(outcome);
    expect(text.warning).toBe(true);
    expect(text.detail).toContain(`Another push-doctor comes first on your PATH: ${path.join(other, 'push-doctor')}.`);
    // After ours, it does not matter.
    await rm(link);
    expect(await install({ pathVariable: `/usr/bin:${bin}:${other}` })).toMatchObject({ kind: 'installed', shadowedBy: null });
  });

  it('macOS: uses the shared folder when it exists and is writable, else ~/.local/bin', async () => {
    const shared = path.join(root, 'usr-local-bin');
    const inHome = await install({ platform: 'darwin' });
    expect(inHome).toMatchObject({ kind: 'installed', link });
    await mkdir(shared);
    const sharedOutcome = await install({ platform: 'darwin', pathVariable: `/usr/bin:${shared}` });
    expect(sharedOutcome).toMatchObject({ kind: 'installed', link: path.join(shared, 'push-doctor'), onPath: true });
    expect(await readlink(path.join(shared, 'push-doctor'))).toBe(launcher);
  });

  it('fails in a sentence, with the command to do it by hand, when the launcher is missing or the folder cannot be made', async () => {
    await rm(launcher);
    const missing = await install();
    expect(missing).toMatchObject({ kind: 'failed', error: `the app's launcher is missing or not executable: ${launcher}` });
    await expect(lstat(link)).rejects.toThrow();

    await writeFile(launcher, '#!/bin/sh\n');
    await chmod(launcher, 0o755);
    // ~/.local is a file: the folder cannot be created.
    await writeFile(path.join(home, '.local'), '');
    const blocked = await install();
    expect(blocked.kind).toBe('failed');
    const text = describeCliInstall(blocked);
    expect(text.message).toMatch(new RegExp(`^Push Doctor could not create ${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(text.detail).toBe(`You can make the link yourself in a terminal:\nln -s '${launcher}' ${link}`);
  });
});

describe('every outcome has words', () => {
  it('a title, a message and a detail for each kind', () => {
    const outcomes: CliInstallOutcome[] = [
      { kind: 'installed', link: '/l', launcher: DEB_LAUNCHER, replaced: null, onPath: true, shadowedBy: null },
      { kind: 'already-installed', link: '/l', launcher: DEB_LAUNCHER, onPath: false, shadowedBy: null },
      { kind: 'refused', link: '/l', launcher: DEB_LAUNCHER, existing: { type: 'file' } },
      { kind: 'failed', link: '/l', launcher: DEB_LAUNCHER, error: 'EACCES' },
      { kind: 'windows', launcher: 'C:\\x\\push-doctor.cmd', onPath: false },
      { kind: 'not-packaged' },
      { kind: 'appimage', appImage: '/a.AppImage' },
      { kind: 'not-in-place', launcher: MAC_LAUNCHER },
    ];
    for (const outcome of outcomes) {
      const text = describeCliInstall(outcome);
      expect(text.title).toBe('Command line tool');
      expect(text.message.length).toBeGreaterThan(10);
      expect(text.detail.length).toBeGreaterThan(10);
    }
  });
});
