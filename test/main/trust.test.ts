import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { callHandler } from '../../app/service/handlers.js';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { markingSshCommand, timesRun, type MarkerCommand } from '../support/repo-commands.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';
import { useTestService, type TestService } from './support/service.js';

/**
 * Repository trust through the handlers, on the real engine: a repository whose own .git/config
 * names its ssh command (a script that leaves a marker, then runs ssh against a fake Bitbucket).
 * The window's diagnosis and the tray's re-test never run it until the user trusts exactly that
 * command; the trust is remembered, covers only what was shown, and can be revoked.
 */
describe('repository trust (trust.*, real engine)', () => {
  let service: TestService;
  let server: FakeBitbucketSsh;
  let repo: string;
  let command: MarkerCommand;
  useTestService({}, (created) => (service = created));
  beforeEach(async () => {
    const scenario = await startCloudScenario(service.home);
    server = scenario.server;
    service.defer(() => server.stop());
    repo = await realpath(scenario.repo);
    server.authorize((await makeKey(service.home)).publicLine, { kind: 'personal' });
    command = await markingSshCommand(service.home);
    await service.home.git(['config', 'core.sshCommand', command.script], repo);
  });

  const open = async () => {
    const opened = await callHandler(service.handlers, 'repo.open', { path: repo });
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value;
  };
  const diagnoseCodes = async (runId: string) => {
    const result = await callHandler(service.handlers, 'diagnose.run', { path: repo, runId });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.findings.map((f) => f.code);
  };

  it('shows what would run and where, runs nothing until trusted, then runs it in the window and the tray', async () => {
    const summary = await open();
    expect(summary).toMatchObject({ trusted: false, repoCommands: [{ kind: 'ssh-command', key: 'core.sshcommand', command: command.script, file: path.join(repo, '.git', 'config') }] });

    expect(await diagnoseCodes('before')).toContain('repo.commands-not-run');
    expect(await callHandler(service.handlers, 'retest.run', {})).toMatchObject({ ok: true, value: [{ path: repo, status: 'error', summary: 'Not tested: it names commands of its own that you have not trusted' }] });
    expect(await callHandler(service.handlers, 'ssh.verify', { path: repo })).toMatchObject({ ok: true, value: { ok: false } });
    expect(await timesRun(command)).toBe(0);
    expect(server.commands).toEqual([]);

    const granted = await callHandler(service.handlers, 'trust.grant', { path: repo, commandIds: summary.repoCommands.map((c) => c.id) });
    expect(granted).toMatchObject({ ok: true, value: { path: repo, trusted: true } });
    expect(await callHandler(service.handlers, 'trust.list', {})).toMatchObject({ ok: true, value: [{ path: repo, name: path.basename(repo), commands: summary.repoCommands }] });
    expect((await open()).trusted).toBe(true);

    expect(await diagnoseCodes('after')).toEqual(['ssh.ok']);
    expect(await timesRun(command)).toBeGreaterThan(0);
    expect(await callHandler(service.handlers, 'retest.run', {})).toMatchObject({ ok: true, value: [{ path: repo, status: 'ok' }] });
  });

  it('trusts only the commands that were shown: a changed config is asked about again', async () => {
    const shown = (await open()).repoCommands;
    await service.home.git(['config', 'core.sshCommand', `${command.script} -oBatchMode=yes`], repo);
    expect(await callHandler(service.handlers, 'trust.grant', { path: repo, commandIds: shown.map((c) => c.id) })).toEqual({
      ok: false,
      error: { code: 'not-applicable', message: "This repository's own commands changed since they were shown. Look at them again before you trust it." },
    });
    expect(await callHandler(service.handlers, 'trust.list', {})).toEqual({ ok: true, value: [] });

    // Trusted as it was, then changed behind the user's back: not trusted any more.
    await service.home.git(['config', 'core.sshCommand', command.script], repo);
    expect(await callHandler(service.handlers, 'trust.grant', { path: repo, commandIds: shown.map((c) => c.id) })).toMatchObject({ ok: true });
    await service.home.git(['config', 'core.sshCommand', `${command.script} -v`], repo);
    expect(await open()).toMatchObject({ trusted: false });
    expect(await diagnoseCodes('changed')).toContain('repo.commands-not-run');
    expect(await timesRun(command)).toBe(0);
  });

  it('revokes a trust from Settings: the commands stop running', async () => {
    const shown = (await open()).repoCommands;
    await callHandler(service.handlers, 'trust.grant', { path: repo, commandIds: shown.map((c) => c.id) });
    expect(await callHandler(service.handlers, 'trust.revoke', { path: repo })).toEqual({ ok: true, value: [] });
    expect(await diagnoseCodes('revoked')).toContain('repo.commands-not-run');
    expect(await timesRun(command)).toBe(0);
  });

  it('has nothing to trust in a repository that names no commands', async () => {
    await service.home.git(['config', '--unset', 'core.sshCommand'], repo);
    expect(await open()).toMatchObject({ repoCommands: [], trusted: true });
    expect(await callHandler(service.handlers, 'trust.grant', { path: repo, commandIds: ['0123456789abcdef'] })).toMatchObject({ ok: false, error: { code: 'not-applicable' } });
  });
});
