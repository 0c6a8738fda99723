import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../app/context.js';
import { REQUEST_CHANNELS, type RequestChannel, type RequestOf, type Result } from '../../app/contract/channels.js';
import { FIX_IDS, type DiagnoseReport, type FixId } from '../../app/contract/report.js';
import { markdownReport } from '../../app/diagnose/report-markdown.js';
import { describeOutcome, resolveLoginShellEnvironment } from '../../app/env/login-shell.js';
import { engineServices } from '../../app/service/engine-wiring.js';
import type { Handler } from '../../app/service/handlers.js';
import { recoverAtStart } from '../../app/service/recovery.js';
import { createStateStore, STATE_FILE_NAME } from '../../app/service/state-store.js';
import { createGuideStore } from '../../renderer/src/state/store.js';
import { CLI } from '../support/cli.js';
import { createTestService, type TestService } from '../main/support/service.js';
import { bridgeOverHandlers } from './support/bridge.js';
import { describeLeaks, dumpLedger, Ledger, SURFACES } from './support/ledger.js';
import { SHOWN_MASKED } from './support/plants.js';
import { recordStateFolder, type UndoSecretFile } from './support/state-files.js';
import { createSweepWorld, plantCatalogue, worldUnavailable, type SweepWorld } from './support/world.js';

/**
 * The secret sweep through the app: every channel of the contract called through the real handler
 * table (as Electron main and the browser preview serve it) with valid payloads, on the real engine,
 * in the home where a secret sits everywhere (support/world.ts); the renderer's zustand store driven
 * through the guide over those same handlers; the Markdown report; the events; the error messages
 * the engine throws; the app's and the engine's state files; and the log lines the app writes
 * (an interrupted change recovered at start, the login shell's environment, a corrupt state file).
 * Every text is searched for every planted secret in every form it could take.
 */
const unavailable = worldUnavailable();
const CATALOGUE = plantCatalogue('cloud');

describe.skipIf(unavailable)(`secret sweep: every IPC handler, the renderer, the report and the logs${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let world: SweepWorld;
  let service: TestService;
  const ledger = new Ledger();
  const called = new Set<RequestChannel>();
  let undoFiles: UndoSecretFile[] = [];

  /** One request through the real handler table; its answer is recorded. */
  async function call<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<unknown>> {
    called.add(channel);
    const result = await (service.handlers[channel] as Handler<C>)(request);
    const label = `${channel} ${JSON.stringify(request).slice(0, 160)}`;
    if (result.ok) ledger.add(SURFACES.ipcResults, label, result.value);
    else ledger.add(SURFACES.ipcErrors, label, result.error);
    return result;
  }
  /** An engine call made directly: what it throws, before the handlers' redaction. */
  async function thrown(label: string, work: () => Promise<unknown>): Promise<void> {
    try {
      ledger.add(SURFACES.ipcResults, `engine: ${label}`, await work());
    } catch (error) {
      ledger.add(SURFACES.thrown, label, error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error));
    }
  }
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };

  beforeAll(async () => {
    world = await createSweepWorld({ account: 'cloud', inProcessKeyring: true });
    const adjust = (ctx: EngineContext): EngineContext => ({ ...ctx, bitbucketApi: { cloudBaseUrl: world.api.baseUrl, caCertificates: [world.api.ca] } });
    service = await createTestService({ home: world.home, adjustContext: adjust });
    const { repo } = world;
    const secret = (id: Parameters<SweepWorld['plant']>[0]) => world.plant(id).value;

    // The renderer's store over the real handlers: what the window would hold after each answer.
    const store = createGuideStore(bridgeOverHandlers(call, service.events));
    const guide = () => store.getState();
    const snap = (label: string) => ledger.add(SURFACES.renderer, label, JSON.stringify(store.getState()));
    const stop = guide().init();

    await guide().openPath(repo);
    snap('opened (asks to trust the repository)');
    await guide().trustAndCheck();
    snap('trusted and diagnosed');
    const report = guide().diagnosis.run.status === 'done' ? (guide().diagnosis.run as { value: DiagnoseReport }).value : null;
    expect(report, 'the guide diagnosed the repository').not.toBeNull();
    ledger.add(SURFACES.report, 'markdownReport of the diagnosis', markdownReport(report!));
    await guide().copyReport();
    snap('report copied');

    // The HTTPS guide: a refused token, then the new token; then the SSH key's passphrase.
    guide().startFix('credential.save-token', 'origin');
    await guide().describe('credential.save-token');
    await guide().applyStep('https', 'save', 'credential.save-token', { username: 'jdoe', token: secret('rejected-token') });
    snap('save-token refused');
    await guide().applyStep('https', 'save', 'credential.save-token', { username: 'jdoe', token: secret('input-token') });
    snap('save-token applied');
    guide().startFix('ssh.add-key-to-agent', 'sshorigin');
    await guide().apply('ssh.add-key-to-agent', { passphrase: secret('ssh-passphrase') });
    await guide().verifySsh();
    await guide().copyFingerprint('SHA256:0000000000000000000000000000000000000000000');
    snap('ssh key added to the agent, verified');

    // The account: nothing linked, a refused token, the right one, a key, unlink.
    await guide().loadAccountStatus('bitbucket.org');
    guide().connectAccount('bitbucket.org');
    await guide().linkAccount({ kind: 'cloud', email: 'jdoe@example.com', token: secret('rejected-token') });
    snap('account link refused');
    // Into the throwaway keyring only (elsewhere the environment holds the link: no real keychain is written).
    if (world.keyring) await guide().linkAccount({ kind: 'cloud', email: 'jdoe@example.com', token: secret('account-token') });
    await guide().loadRepoAccount();
    guide().startFix('ssh.add-key-to-account', 'sshorigin');
    await guide().addKeyToAccount(`${world.sshKeys.plain}.pub`);
    snap('account linked, key added');

    await guide().openExternal({ kind: 'api-token' });
    guide().openSettings();
    await guide().saveSettings({ probeTimeoutSeconds: 20 });
    await guide().loadHistory();
    snap('settings and history');
    await guide().recheck();
    snap('diagnosed again after the fixes');

    // Every fix described for the remote a finding offers it for; more applied directly.
    const remoteFor = (fixId: FixId) => report!.findings.find((f) => f.fixes.some((x) => x.id === fixId))?.remote ?? (fixId.startsWith('ssh.') ? 'sshorigin' : 'origin');
    for (let i = 0; i < FIX_IDS.length; i += 4) await Promise.all(FIX_IDS.slice(i, i + 4).map((fixId) => call('fix.describe', { path: repo, fixId, remote: remoteFor(fixId) })));
    await call('fix.apply', { path: repo, fixId: 'credential.clear', remote: 'legacy' });
    await call('fix.apply', { path: repo, fixId: 'remote.remove-secret', remote: 'embedded' });
    await call('fix.apply', { path: repo, fixId: 'remote.remove-secret', remote: 'short' });
    await call('fix.apply', { path: repo, fixId: 'credential.use-secure-helper', remote: 'chatty' });
    await call('fix.apply', { path: repo, fixId: 'ssh.configure-host', remote: 'sshorigin' });
    await call('fix.apply', { path: repo, fixId: 'ssh.generate-key', remote: 'sshorigin', input: { passphrase: secret('ssh-passphrase') } });

    // The rest of the contract, with valid payloads (and payloads that point at secrets).
    const runId = 'sweep-run';
    const [offline] = await Promise.all([call('diagnose.run', { path: repo, runId, offline: true }), call('diagnose.cancel', { runId })]);
    expect(offline.ok || (!offline.ok && offline.error.code === 'cancelled')).toBe(true);
    await call('diagnose.run', { path: repo, runId: 'sweep-run-2', remote: 'mirror' });
    await call('repo.drop', { paths: [repo] });
    service.main.nextFolder = repo;
    await call('repo.choose', {});
    await call('ssh.verify', { path: repo, remote: 'sshorigin' });
    await call('clipboard.write', { kind: 'public-key', publicKeyPath: world.sshKeys.plain });
    await call('clipboard.write', { kind: 'public-key', publicKeyPath: `${world.sshKeys.encrypted}.pub` });
    await call('external.open', { kind: 'url', url: `https://jdoe:${secret('url-password')}@bitbucket.org/acme/widgets` });
    await call('external.open', { kind: 'repository', path: repo, remote: 'embedded' });
    await call('keys.list', { path: repo, remote: 'sshorigin' });
    await call('keys.add', { publicKeyPath: world.sshKeys.encrypted });
    await call('account.status', { path: repo, remote: 'origin' });
    await call('retest.run', {});
    await call('settings.get', {});
    await call('settings.set', { bitbucketHosts: [`127.0.0.1:${world.api.port}`] });
    await call('trust.list', {});
    await call('recent.list', {});
    await call('fix.history', {});
    undoFiles = await recordStateFolder(ledger, world.stateDir, 'after the fixes');
    ledger.add(SURFACES.appState, `${STATE_FILE_NAME} after the fixes`, await readFile(path.join(service.stateDir, STATE_FILE_NAME), 'utf8'));

    // What the engine throws, before any handler redacts it.
    const engine = engineServices();
    const ctx = adjust(world.home.context());
    await thrown('linkAccount with a refused token', () => engine.linkAccount(ctx, { kind: 'cloud', email: 'jdoe@example.com', token: secret('rejected-token') }));
    await thrown('addAccountKey with a private key', () => engine.addAccountKey(ctx, { repoRoot: repo, remoteName: 'sshorigin', publicKeyPath: world.sshKeys.encrypted }));
    await thrown('verifySsh of an HTTPS remote', () => engine.verifySsh(ctx, repo, 'mirror'));
    await thrown('applyFix save-token refused', () => engine.applyFix(ctx, { repoRoot: repo, remoteName: 'origin' }, 'credential.save-token', { username: 'jdoe', token: secret('rejected-token') }));
    await thrown('diagnose of an unknown remote', () => engine.diagnose(ctx, repo, { remote: 'nowhere' }));

    // Walk back, unlink, forget.
    for (let i = 0; i < 12; i++) {
      const undone = await call('fix.undo', {});
      if (!undone.ok || !(undone.value as { undone: boolean }).undone) break;
    }
    await guide().undo();
    // Never a real keychain's link: without the throwaway keyring, a site nothing was ever linked for.
    await guide().unlinkAccount(world.keyring ? 'bitbucket.org' : `127.0.0.1:${world.api.port}`);
    await guide().revokeTrust(repo);
    await guide().removeRecent(repo);
    await guide().clearRecent();
    snap('undone, unlinked, forgotten');
    stop();
    undoFiles.push(...(await recordStateFolder(ledger, world.stateDir, 'after undo')));
    ledger.add(SURFACES.appState, `${STATE_FILE_NAME} at the end`, await readFile(path.join(service.stateDir, STATE_FILE_NAME), 'utf8'));
    for (const event of service.events) ledger.add(SURFACES.ipcEvents, event.event, event.payload);
    for (const text of service.main.copied) ledger.add(SURFACES.clipboard, 'clipboard', text);
    for (const url of service.main.opened) ledger.add(SURFACES.clipboard, 'opened in the browser', url);

    // The log lines the app writes: an interrupted change recovered at start...
    // (killed after the journal and the undo copy were written, before .git/config was replaced)
    await killedFix(world, ['fix', 'remote.remove-secret', repo, '--remote', 'mirror', '--yes'], 'file.rename:2');
    undoFiles.push(...(await recordStateFolder(ledger, world.stateDir, 'a fix killed half-way')));
    await recoverAtStart(engine, world.home.context(), log).history(world.home.context());
    // ...the login shell's environment (a profile with a typo in a token's export; one that exports it)...
    const shell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
    logs.push(describeOutcome((await resolveLoginShellEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: world.home.dir, USER: 'jdoe' }, platform: process.platform, stdinIsTerminal: false, shell, timeoutMs: 10_000 })).outcome));
    const profileHome = await mkdtemp(path.join(os.tmpdir(), 'sweep-profile-'));
    await writeFile(path.join(profileHome, '.profile'), `export BITBUCKET_TOKEN='${secret('profile-token')}'\nexport GIT_ASKPASS='${world.home.env.GIT_ASKPASS}'\n`);
    logs.push(describeOutcome((await resolveLoginShellEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: profileHome, USER: 'jdoe' }, platform: process.platform, stdinIsTerminal: false, shell, timeoutMs: 10_000 })).outcome));
    await rm(profileHome, { recursive: true, force: true });
    // ...and a state file that cannot be read any more (cut off in the middle).
    const stateFile = path.join(service.stateDir, STATE_FILE_NAME);
    const text = await readFile(stateFile, 'utf8');
    await writeFile(stateFile, text.slice(0, Math.floor(text.length / 2)));
    await createStateStore(service.stateDir, { onRecovered: ({ backupPath, reason }) => logs.push(`the saved state was unusable (${reason}); it was moved to ${backupPath}`) }).read();
    for (const line of logs) ledger.add(SURFACES.logs, 'log line', line);
    expect(logs).toEqual([expect.stringMatching(/interrupted last time: rolled back remote\.remove-secret/), expect.stringMatching(/^login shell environment not used/), expect.stringMatching(/^environment of the login shell/), expect.stringMatching(/^the saved state was unusable/)]);
  }, 180_000);

  afterAll(async () => {
    await dumpLedger(ledger, 'ipc');
    await service?.cleanup();
    await world?.cleanup();
  });

  for (const { id, where, unavailable: why } of CATALOGUE) {
    it.skipIf(why)(`no IPC result, event, report, renderer state, state file or log shows ${where}${why ? ` (skipped: ${why})` : ''}`, () => {
      const leaks = ledger.leaksOf(world.plant(id));
      expect(leaks, describeLeaks(leaks)).toEqual([]);
    });
  }

  it('met the secrets it shows masked: the masked form of each is in a result, event or the renderer', () => {
    expect(ledger.unmet(SHOWN_MASKED.map(world.plant))).toEqual([]);
  });

  it('calls every channel of the contract', () => {
    expect(REQUEST_CHANNELS.filter((c) => !called.has(c))).toEqual([]);
  });

  it('keeps removed secrets only in the undo-secrets store, in 0600 files', () => {
    expect(undoFiles.length).toBeGreaterThan(0);
    for (const file of undoFiles) expect({ file: file.path, mode: file.mode.toString(8) }).toEqual({ file: file.path, mode: '600' });
  });

  it('records the figure "planted secrets checked"', ({ task }) => {
    task.meta.secretSweep = ledger.figures('test/secrets/ipc.test.ts', world.plants);
    expect(Object.keys(task.meta.secretSweep.surfaces).length).toBeGreaterThanOrEqual(10);
  });
});

/** Runs push-doctor with the crash sweep's hook and kills it at a write point: an interrupted change for the next start to recover. */
function killedFix(world: SweepWorld, args: string[], at: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', path.resolve('test/crash/support/crash-hook.mjs'), CLI, ...args], {
      env: { ...world.home.env, PUSH_DOCTOR_CRASH_AT: at },
      cwd: world.repo,
      stdio: 'ignore',
    });
    child.on('close', () => resolve());
  });
}
