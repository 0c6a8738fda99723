import { chmod, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import { createTestService, type TestService } from './support/service.js';

/** The handlers on the engine main and the preview use: what is wired works, the rest says so. */
describe('engine wiring', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await createTestService({ repo: 'widgets' });
  });
  afterEach(async () => {
    await service.cleanup();
  });

  it('describes, applies and undoes a real fix through the journal', async () => {
    const key = path.join(service.home.sshDir, 'id_ed25519');
    await writeFile(key, 'not really a key, only its mode matters here\n');
    await chmod(key, 0o644);

    const plan = await callHandler(service.handlers, 'fix.describe', { path: service.repo, fixId: 'ssh.fix-key-permissions' });
    expect(plan).toMatchObject({ ok: true, value: { id: 'ssh.fix-key-permissions', applicable: true } });
    expect(await callHandler(service.handlers, 'fix.apply', { path: service.repo, fixId: 'ssh.fix-key-permissions' })).toMatchObject({ ok: true, value: { applied: true } });
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(await callHandler(service.handlers, 'fix.history', {})).toMatchObject({ ok: true, value: [{ fixId: 'ssh.fix-key-permissions' }] });

    expect(await callHandler(service.handlers, 'fix.undo', {})).toMatchObject({ ok: true, value: { undone: true, fixId: 'ssh.fix-key-permissions' } });
    expect((await stat(key)).mode & 0o777).toBe(0o644);
  });

  it('verifies SSH with the real engine', async () => {
    await service.home.git(['remote', 'add', 'origin', 'https://bitbucket.org/acme/widgets.git'], service.repo);
    expect(await callHandler(service.handlers, 'ssh.verify', { path: service.repo })).toMatchObject({
      ok: true,
      value: { ok: false, message: 'The remote "origin" does not push over SSH (https://bitbucket.org/acme/widgets.git).' },
    });
  });

  it('diagnoses with progress events, re-tests and reports with the real engine', async () => {
    const run = await callHandler(service.handlers, 'diagnose.run', { path: service.repo, runId: 'run-1' });
    expect(run).toMatchObject({ ok: true, value: { verdict: 'problems', findings: [{ code: 'remote.none' }] } });
    const progress = service.events.filter((e) => e.event === 'diagnose.progress').map((e) => e.payload);
    expect(progress).toEqual([
      { runId: 'run-1', progress: expect.objectContaining({ type: 'check-started', id: 'repo.remotes' }) },
      { runId: 'run-1', progress: expect.objectContaining({ type: 'check-finished', check: expect.objectContaining({ id: 'repo.remotes', status: 'error' }) }) },
    ]);

    expect(await callHandler(service.handlers, 'clipboard.write', { kind: 'report', path: service.repo })).toEqual({ ok: true, value: { copied: true } });
    expect(service.main.copied).toEqual([expect.stringContaining('This repository has no remote to push to.')]);

    const retest = await callHandler(service.handlers, 'retest.run', {});
    expect(retest).toMatchObject({ ok: true, value: [{ path: service.repo, status: 'failing', codes: ['remote.none'] }] });
  });
});
