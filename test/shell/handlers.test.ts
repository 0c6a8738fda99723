import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { callHandler } from '../../app/service/handlers.js';
import type { DiagnoseOptions, FixTarget } from '../../app/service/engine.js';
import { useTestService, type TestService } from './support/service.js';
import { waitFor } from './support/wait.js';

describe('engine handlers (engine double; real repositories, schemas and store)', () => {
  let service: TestService;
  let repo: string;
  useTestService({ repo: 'widgets' }, (created) => {
    service = created;
    repo = created.repo;
  });
  beforeEach(async () => {
    await service.home.git(['remote', 'add', 'origin', 'git@ssh.bitbucket.org:acme/widgets.git'], repo);
  });

  describe('diagnose.run', () => {
    it('diagnoses the repository root, forwards progress with the runId, and remembers the result', async () => {
      const nested = path.join(repo, 'src');
      await mkdir(nested);
      const result = await callHandler(service.handlers, 'diagnose.run', { path: nested, runId: 'run-1', remote: 'origin' });

      expect(result).toMatchObject({ ok: true, value: { path: repo, verdict: 'ok' } });
      const [call] = service.engine.calls;
      expect(call!.method).toBe('diagnose');
      expect(call!.args[1]).toBe(repo);
      expect(call!.args[2]).toMatchObject({ remote: 'origin', offline: undefined });
      expect(service.events.map((e) => [e.event, (e.payload as { runId: string }).runId])).toEqual([
        ['diagnose.progress', 'run-1'],
        ['diagnose.progress', 'run-1'],
      ]);
      expect(await service.store.recent()).toEqual([expect.objectContaining({ path: repo, lastResult: expect.objectContaining({ status: 'ok', summary: 'Push works' }) })]);
    });

    it('does not record an offline diagnosis as a push test', async () => {
      await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'offline', offline: true });
      expect(await service.store.recent()).toEqual([expect.objectContaining({ path: repo, lastResult: null })]);
    });

    it('is cancelled by diagnose.cancel with its runId', async () => {
      service.engine.diagnoseGate = new Promise(() => {});
      const running = callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'slow' });
      await waitFor(() => service.engine.calls.length === 1);

      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'other' })).toEqual({ ok: true, value: { cancelled: false } });
      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'slow' })).toEqual({ ok: true, value: { cancelled: true } });
      expect(await running).toEqual({ ok: false, error: { code: 'cancelled', message: 'The diagnosis was cancelled.' } });
      expect((service.engine.calls[0]!.args[2] as DiagnoseOptions).signal?.aborted).toBe(true);
      // The runId is free again.
      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'slow' })).toEqual({ ok: true, value: { cancelled: false } });
    });

    it('refuses a second run with the same runId while the first runs', async () => {
      let release!: () => void;
      service.engine.diagnoseGate = new Promise((resolve) => (release = resolve));
      const first = callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'same' });
      await waitFor(() => service.engine.calls.length === 1);
      expect(await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'same' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      release();
      expect(await first).toMatchObject({ ok: true });
    });

    it('answers a folder outside a repository without calling the engine', async () => {
      const plain = path.join(service.home.dir, 'plain');
      await mkdir(plain);
      expect(await callHandler(service.handlers, 'diagnose.run', { path: plain, runId: 'r' })).toMatchObject({ ok: false, error: { code: 'not-a-repo' } });
      expect(service.engine.calls).toEqual([]);
    });

    it('turns an engine failure into one redacted line: no stack, no secret', async () => {
      const error = new Error('git failed for https://jdoe:hunter2-secret@bitbucket.org/acme/widgets.git\n    at probe (/app/out/main/index.js:1:1)');
      service.engine.failures.set('diagnose', error);
      const result = await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'r' });
      expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'git failed for https://jdoe:•••••@bitbucket.org/acme/widgets.git' } });
    });
  });

  describe('fixes', () => {
    it('describes and applies a fix for the repository root and remote', async () => {
      expect(await callHandler(service.handlers, 'fix.describe', { path: repo, fixId: 'remote.use-ssh-host', remote: 'origin' })).toMatchObject({ ok: true, value: { id: 'remote.use-ssh-host', applicable: true } });
      expect(await callHandler(service.handlers, 'fix.apply', { path: repo, fixId: 'remote.use-ssh-host', remote: 'origin' })).toMatchObject({ ok: true, value: { applied: true } });
      expect(service.engine.calls.map((c) => [c.method, c.args[1] as FixTarget, c.args[2]])).toEqual([
        ['describeFix', { repoRoot: repo, remoteName: 'origin' }, 'remote.use-ssh-host'],
        ['applyFix', { repoRoot: repo, remoteName: 'origin' }, 'remote.use-ssh-host'],
      ]);
    });

    it('registers a token from the form as a secret, so no error can show it', async () => {
      const token = 'ATATT3xFfGF0-a-new-token-value-1234abcd';
      service.engine.failures.set('applyFix', new Error(`helper said: bad password ${token}`));
      const result = await callHandler(service.handlers, 'fix.apply', { path: repo, fixId: 'credential.save-token', input: { username: 'jdoe', token } });
      expect(result).toMatchObject({ ok: false, error: { code: 'failed' } });
      expect(JSON.stringify(result)).not.toContain(token.slice(4, -4));
      const ctx = service.engine.calls[0]!.args[0] as EngineContext;
      expect(ctx.secrets.redact(`x ${token} y`)).toBe('x ATAT…abcd y');
    });

    it('undoes and lists history through the engine', async () => {
      expect(await callHandler(service.handlers, 'fix.undo', {})).toMatchObject({ ok: true, value: { undone: false } });
      expect(await callHandler(service.handlers, 'fix.history', {})).toEqual({ ok: true, value: [] });
    });
  });

  it('verifies SSH for the default push remote when none is named', async () => {
    expect(await callHandler(service.handlers, 'ssh.verify', { path: repo })).toMatchObject({ ok: true, value: { ok: true } });
    expect(service.engine.calls[0]!.args.slice(1)).toEqual([repo, 'origin']);
    const bare = await realpath(await service.home.repo('no-remote'));
    expect(await callHandler(service.handlers, 'ssh.verify', { path: bare })).toMatchObject({ ok: false, error: { code: 'not-applicable' } });
  });

  it('gives the Markdown report of the last diagnosis of that repository', async () => {
    expect(await callHandler(service.handlers, 'report.markdown', { path: repo })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'r' });
    expect(await callHandler(service.handlers, 'report.markdown', { path: repo })).toEqual({ ok: true, value: { markdown: expect.stringContaining(`Repository: ${repo}`) } });
  });
});
