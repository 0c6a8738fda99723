import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/csp.js';
import { rendererFileFor } from '../../main/renderer-files.js';

vi.mock('electron', () => import('./support/fake-electron.js'));
const electron = await import('./support/fake-electron.js');
const { APP_INDEX_URL, registerAppScheme, serveRenderer } = await import('../../main/app-protocol.js');

/** A built renderer folder next to files the page must never read. */
let root: string;
let rendererDir: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-app-protocol-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Push Doctor</title>');
  await writeFile(path.join(rendererDir, 'assets', 'index-3f2a.js'), 'console.log(1)');
  await writeFile(path.join(rendererDir, 'assets', 'index-3f2a.css'), 'body{}');
  await writeFile(path.join(rendererDir, '.env'), 'SECRET=1');
  await writeFile(path.join(rendererDir, 'notes.txt'), 'not part of the bundle');
  await writeFile(path.join(root, 'secret.txt'), 'outside the renderer');
  await mkdir(path.join(root, 'renderer-evil'));
  await writeFile(path.join(root, 'renderer-evil', 'index.html'), 'a sibling folder with a shared prefix');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  beforeEach(() => electron.resetFakeElectron());
  const serve = () => {
    serveRenderer(rendererDir);
    const handler = electron.protocol.handlers.get('app')!;
    return (url: string, method = 'GET') => Promise.resolve(handler(new Request(url, { method })));
  };

  it('is registered as standard and secure, and only before the app is ready', async () => {
    registerAppScheme();
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    await electron.app.whenReady();
    expect(() => registerAppScheme()).toThrow(/before the app is ready/);
  });

  it('serves the built page and its assets with the CSP header and their types', async () => {
    const get = serve();
    const page = await get(APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Push Doctor</title>');
    expect(await (await get('app://push-doctor/')).text()).toContain('<title>Push Doctor</title>');
    const script = await get('app://push-doctor/assets/index-3f2a.js?v=1#x');
    expect([script.status, script.headers.get('content-type'), await script.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    expect((await get('app://push-doctor/assets/index-3f2a.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await get(APP_INDEX_URL, 'HEAD');
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it.each([
    ['a path out of the folder', 'app://push-doctor/../secret.txt'],
    ['an encoded path out of the folder', 'app://push-doctor/%2e%2e/secret.txt'],
    ['an encoded slash', 'app://push-doctor/..%2Fsecret.txt'],
    ['an encoded backslash', 'app://push-doctor/..%5Csecret.txt'],
    ['a sibling folder with the same prefix', 'app://push-doctor/..%2Frenderer-evil%2Findex.html'],
    ['a NUL byte', 'app://push-doctor/index.html%00.js'],
    ['broken percent-encoding', 'app://push-doctor/%E0%A4%A'],
    ['a hidden file', 'app://push-doctor/.env'],
    ['a file type the bundle does not have', 'app://push-doctor/notes.txt'],
    ['a folder', 'app://push-doctor/assets'],
    ['a missing file', 'app://push-doctor/missing.js'],
    ['another host', 'app://evil/index.html'],
  ])('answers 404 to %s', async (_what, url) => {
    const response = await serve()(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found');
  });

  it('refuses anything but GET and HEAD', async () => {
    expect((await serve()(APP_INDEX_URL, 'POST')).status).toBe(405);
  });

  it('can be unregistered', () => {
    const stop = serveRenderer(rendererDir);
    stop();
    expect(electron.protocol.handlers.size).toBe(0);
  });
});

describe('rendererFileFor', () => {
  it('maps URL paths inside the folder and nothing else, also with Windows separators', () => {
    expect(rendererFileFor('/app/out/renderer', '/')).toBe(path.resolve('/app/out/renderer/index.html'));
    expect(rendererFileFor('/app/out/renderer', '/assets/a%20b.js')).toBe(path.resolve('/app/out/renderer/assets/a b.js'));
    for (const bad of ['/../x', '/a//b', '/a/./b', '/a\\..\\..\\x', 'relative', '/%2e%2e/x', '/C:%5Cwindows%5Cx']) expect(rendererFileFor('/app/out/renderer', bad), bad).toBeNull();
  });

});
