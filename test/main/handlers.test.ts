import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventChannels } from '../../app/contract/channels.js';
import type { DiagnoseProgress } from '../../app/contract/report.js';
import { MESSAGES } from '../../app/facts/bitbucket.js';
import { engineServices } from '../../app/service/engine-wiring.js';
import { callHandler } from '../../app/service/handlers.js';
import { startFakeBitbucketSsh, type FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { CLOUD_HOST, hostBlock, makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { PROCESS_LIST_UNAVAILABLE, processesWithHome } from './support/processes.js';
import { createTestService, useTestService, type TestService } from './support/service.js';

/**
 * The handler table on the real engine: a throwaway home whose ssh.bitbucket.org is a fake Bitbucket
 * holding acme/widgets, with an authorized key, so the repository really pushes.
 */
describe('engine handlers (real engine, real git and OpenSSH, fake Bitbucket)', () => {
  let service: TestService;
  let server: FakeBitbucketSsh;
  let repo: string;
  useTestService({}, (created) => (service = created));
  beforeEach(async () => {
    const scenario = await startCloudScenario(service.home);
    server = scenario.server;
    service.defer(() => server.stop());
    repo = await realpath(scenario.repo);
    server.authorize((await makeKey(service.home)).publicLine, { kind: 'personal' });
  });

  const git = (...args: string[]) => service.home.git(args, repo);
  const progressOf = (runId: string): DiagnoseProgress[] =>
    service.events.flatMap((e) => {
      const payload = e.payload as EventChannels['diagnose.progress'];
      return e.event === 'diagnose.progress' && payload.runId === runId ? [payload.progress] : [];
    });
  const started = (runId: string) => progressOf(runId).flatMap((p) => (p.type === 'check-started' ? [p.id] : []));
  /** Points ssh.bitbucket.org at a server that accepts connections and never answers: probes hang until killed. */
  async function silentBitbucket(): Promise<FakeBitbucketSsh> {
    const silent = await startFakeBitbucketSsh({ mode: 'silent' });
    service.defer(() => silent.stop());
    await service.home.writeSshConfig(hostBlock(CLOUD_HOST, silent.port, path.join(service.home.sshDir, 'id_ed25519')));
    return silent;
  }

  describe('diagnose.run', () => {
    it('diagnoses the repository root for the remote asked, forwards progress with the runId, and remembers the result', async () => {
      // A second Bitbucket remote that fails: a diagnosis of every remote would not be ok.
      await git('remote', 'add', 'upstream', 'git@ssh.bitbucket.org:acme/missing.git');
      const nested = path.join(repo, 'src');
      await mkdir(nested);
      const result = await callHandler(service.handlers, 'diagnose.run', { path: nested, runId: 'run-1', remote: 'origin' });

      expect(result).toMatchObject({ ok: true, value: { path: repo, verdict: 'ok', findings: [{ code: 'ssh.ok', remote: 'origin' }] } });
      const report = result.ok ? result.value : null;
      expect(new Set(report!.checks.map((c) => c.remote))).toEqual(new Set([null, 'origin']));
      // Every event is this run's, and the checks finished exactly as the report has them.
      expect(service.events.map((e) => [e.event, (e.payload as { runId: string }).runId])).toEqual(service.events.map(() => ['diagnose.progress', 'run-1']));
      expect(progressOf('run-1').flatMap((p) => (p.type === 'check-finished' ? [p.check] : []))).toEqual(report!.checks);
      expect(started('run-1')).toEqual(expect.arrayContaining(['repo.remotes', 'ssh.auth', 'ssh.write']));
      expect(await service.store.recent()).toEqual([expect.objectContaining({ path: repo, lastResult: expect.objectContaining({ status: 'ok', summary: 'Push works' }) })]);

      // Without the remote, the engine diagnoses upstream too.
      const every = await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'run-2' });
      expect(every).toMatchObject({ ok: true, value: { verdict: 'problems' } });
      expect(every.ok && every.value.findings.some((f) => f.remote === 'upstream' && f.severity === 'error')).toBe(true);
    });

    it('passes offline on: nothing reaches Bitbucket, and it is not recorded as a push test', async () => {
      expect(await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'offline', offline: true })).toMatchObject({ ok: true, value: { path: repo } });
      expect(server.commands).toEqual([]);
      expect(await service.store.recent()).toEqual([expect.objectContaining({ path: repo, lastResult: null })]);
    });

    it(`is cancelled by diagnose.cancel with its runId: its probes are killed and it ends at once${PROCESS_LIST_UNAVAILABLE ? ` (the probe processes are not checked: ${PROCESS_LIST_UNAVAILABLE})` : ''}`, async () => {
      // Far longer than this test may run: only the cancellation can end the diagnosis in time.
      await callHandler(service.handlers, 'settings.set', { probeTimeoutSeconds: 120 });
      await silentBitbucket();
      const running = callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'slow' });
      await vi.waitFor(() => expect(started('slow')).toEqual(expect.arrayContaining(['ssh.auth', 'ssh.write'])));
      if (!PROCESS_LIST_UNAVAILABLE) expect(await processesWithHome(service.home.dir)).not.toEqual([]);

      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'other' })).toEqual({ ok: true, value: { cancelled: false } });
      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'slow' })).toEqual({ ok: true, value: { cancelled: true } });
      expect(await running).toEqual({ ok: false, error: { code: 'cancelled', message: 'The diagnosis was cancelled.' } });
      if (!PROCESS_LIST_UNAVAILABLE) await vi.waitFor(async () => expect(await processesWithHome(service.home.dir)).toEqual([]));
      expect(await service.store.recent()).toEqual([]);
      // The runId is free again.
      expect(await callHandler(service.handlers, 'diagnose.cancel', { runId: 'slow' })).toEqual({ ok: true, value: { cancelled: false } });
    });

    it('refuses a second run with the same runId while the first runs', async () => {
      const silent = await silentBitbucket();
      const first = callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'same' });
      await vi.waitFor(() => expect(started('same')).toContain('ssh.auth'));
      expect(await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'same' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      // The server goes away: the probes fail at once and the first run finishes.
      await silent.stop();
      expect(await first).toMatchObject({ ok: true, value: { path: repo } });
    });

    it('answers a folder outside a repository itself, before the engine', async () => {
      const plain = path.join(service.home.dir, 'plain');
      await mkdir(plain);
      // The engine would refuse it as "failed" (its input error); not-a-repo is the handler's own answer.
      expect(await callHandler(service.handlers, 'diagnose.run', { path: plain, runId: 'r' })).toMatchObject({ ok: false, error: { code: 'not-a-repo' } });
      expect(service.events).toEqual([]);
      expect(await service.store.recent()).toEqual([]);
    });

    it("turns the engine's failure into a typed one-line error and remembers nothing", async () => {
      const result = await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'r', remote: 'mirror' });
      expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'This repository has no remote named "mirror" (remotes: origin).' } });
      expect(await service.store.recent()).toEqual([]);
    });
  });

  describe('fixes', () => {
    it('describes and applies a fix for the repository root and the remote asked; the journal lists it and undo restores it', async () => {
      await git('remote', 'add', 'legacy-a', 'git@bitbucket.org:acme/widgets.git');
      await git('remote', 'add', 'legacy-b', 'git@bitbucket.org:acme/tools.git');
      const nested = path.join(repo, 'src');
      await mkdir(nested);
      const config = path.join(repo, '.git', 'config');

      expect(await callHandler(service.handlers, 'fix.describe', { path: nested, fixId: 'remote.use-ssh-host', remote: 'legacy-b' })).toMatchObject({
        ok: true,
        value: { id: 'remote.use-ssh-host', applicable: true, changes: [{ target: config, action: 'Change remote.legacy-b.url from git@bitbucket.org:acme/tools.git → git@ssh.bitbucket.org:acme/tools.git' }] },
      });
      expect(await callHandler(service.handlers, 'fix.apply', { path: nested, fixId: 'remote.use-ssh-host', remote: 'legacy-b' })).toMatchObject({
        ok: true,
        value: { applied: true, changed: [config], message: 'legacy-b now uses ssh.bitbucket.org.' },
      });
      expect((await git('remote', 'get-url', 'legacy-b')).trim()).toBe('git@ssh.bitbucket.org:acme/tools.git');
      expect((await git('remote', 'get-url', 'legacy-a')).trim()).toBe('git@bitbucket.org:acme/widgets.git');

      expect(await callHandler(service.handlers, 'fix.history', {})).toMatchObject({ ok: true, value: [{ fixId: 'remote.use-ssh-host', repo, changed: [config] }] });
      expect(await callHandler(service.handlers, 'fix.undo', {})).toMatchObject({ ok: true, value: { undone: true, fixId: 'remote.use-ssh-host' } });
      expect((await git('remote', 'get-url', 'legacy-b')).trim()).toBe('git@bitbucket.org:acme/tools.git');
    });

    it('answers undo and history from an empty journal', async () => {
      expect(await callHandler(service.handlers, 'fix.undo', {})).toEqual({ ok: true, value: { undone: false, fixId: null, restored: [], message: 'Nothing to undo.' } });
      expect(await callHandler(service.handlers, 'fix.history', {})).toEqual({ ok: true, value: [] });
    });
  });

  it('verifies SSH for the default push remote when none is named', async () => {
    // origin comes first but git pushes to backup (remote.pushDefault), the only remote on SSH.
    await git('remote', 'set-url', 'origin', 'https://bitbucket.org/acme/widgets.git');
    await git('remote', 'add', 'backup', 'git@ssh.bitbucket.org:acme/widgets.git');
    await git('config', 'remote.pushDefault', 'backup');
    expect(await callHandler(service.handlers, 'ssh.verify', { path: repo })).toMatchObject({ ok: true, value: { ok: true, message: MESSAGES.sshGreeting } });
    expect(await callHandler(service.handlers, 'ssh.verify', { path: repo, remote: 'origin' })).toMatchObject({
      ok: true,
      value: { ok: false, message: 'The remote "origin" does not push over SSH (https://bitbucket.org/acme/widgets.git).' },
    });
    const bare = await realpath(await service.home.repo('no-remote'));
    expect(await callHandler(service.handlers, 'ssh.verify', { path: bare })).toMatchObject({ ok: false, error: { code: 'not-applicable' } });
  });

  it('copies the Markdown report of the last diagnosis of that repository, made in main', async () => {
    const copyReport = () => callHandler(service.handlers, 'clipboard.write', { kind: 'report', path: repo });
    expect(await copyReport()).toMatchObject({ ok: false, error: { code: 'not-found', message: 'Run a diagnosis of this repository first.' } });
    expect(service.main.copied).toEqual([]);
    await callHandler(service.handlers, 'diagnose.run', { path: repo, runId: 'r' });
    expect(await copyReport()).toEqual({ ok: true, value: { copied: true } });
    expect(service.main.copied).toEqual([expect.stringContaining(`- Repository: \`${repo}\`\n- Result: **Pushing to Bitbucket works.**`)]);
  });
});

/**
 * Main's last line of defence. The real engine contains and redacts its own failures (a check
 * that throws becomes an error check, applyFix answers a result it redacts itself, and it registers
 * the form's token too), so no real input makes it throw a secret or a stack at the handler. These
 * tests replace one engine method with one that does, to prove what the handler itself guarantees.
 */
describe('errors the engine throws', () => {
  async function serviceWhere(method: 'diagnose' | 'applyFix', error: Error): Promise<TestService> {
    return createTestService({ repo: 'widgets', engine: { ...engineServices(), [method]: async () => Promise.reject(error) } });
  }

  it('become one redacted line: no stack, no secret', async () => {
    const service = await serviceWhere('diagnose', new Error('git failed for https://jdoe:hunter2-secret@bitbucket.org/acme/widgets.git\n    at probe (/app/out/main/index.js:1:1)'));
    try {
      const result = await callHandler(service.handlers, 'diagnose.run', { path: service.repo, runId: 'r' });
      expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'git failed for https://jdoe:•••••@bitbucket.org/acme/widgets.git' } });
    } finally {
      await service.cleanup();
    }
  });

  it('never show the token or passphrase of the form: the handler registers them as secrets of the request', async () => {
    // Shapes no secret pattern knows: only the request's secret registry can mask them.
    const token = 'plain-token-value-no-pattern-1234abcd';
    const passphrase = 'correct horse battery';
    const service = await serviceWhere('applyFix', new Error(`helper said: bad password ${token}, bad passphrase ${passphrase}`));
    try {
      const result = await callHandler(service.handlers, 'fix.apply', { path: service.repo, fixId: 'credential.save-token', input: { username: 'jdoe', token, passphrase } });
      expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'helper said: bad password plai…abcd, bad passphrase corr…tery' } });
    } finally {
      await service.cleanup();
    }
  });
});
