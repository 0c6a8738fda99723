import { describe, expect, it } from 'vitest';
import type { ContractError, ErrorCode, RepoSummary } from '../../app/contract/channels.js';
import { FIX_IDS, type DiagnoseReport } from '../../app/contract/report.js';
import { initialState, type GuideState } from '../../renderer/src/state/guide-state.js';
import { externalTargetFor, httpsStepsFor, routeForFix, SSH_STEPS } from '../../renderer/src/state/guide-steps.js';
import { backFrom, entryEffect, fixStarted, screenShown, stepEntered, stepNoted } from '../../renderer/src/state/navigation.js';
import { isBusy, otherFindings, phaseOf, switchFixOf, topFinding } from '../../renderer/src/state/selectors.js';
import {
  applyFinished,
  applyStarted,
  diagnosisFinished,
  diagnosisStarted,
  dropRejected,
  openFinished,
  progressReceived,
  undoFinished,
} from '../../renderer/src/state/transitions.js';
import { hintFor } from '../../renderer/src/state/wording.js';
import { hostToAdd, intervalWords, settingsScreen, trustDeclined, trustGranted, trustRevoked } from '../../renderer/src/state/settings.js';
import { appPasswordReport, GADGETS, httpsOkReport, KEY, LEGACY, RESULTS, sshNoKeyReport, STRANGER, WIDGETS } from '../fixtures/guide.js';

const opened = (repo = WIDGETS): GuideState => openFinished(initialState(), { ok: true, value: repo });
const running = (runId = 'r1'): GuideState => diagnosisStarted(opened(), runId);

describe('opening a folder', () => {
  it('shows the diagnosis of the opened repository and keeps a guide per repository', () => {
    const s = opened();
    expect(s.screen).toEqual({ name: 'diagnosis' });
    expect(s.repo).toBe(WIDGETS);
    expect(s.guides[WIDGETS.path]).toEqual({ remote: null, https: null, ssh: null, applied: [], trustAnswered: false });
    expect(s.announcement).toBe('Opened widgets.');
  });

  it('keeps the engine error on Start', () => {
    const error: ContractError = { code: 'not-a-repo', message: '/tmp is not inside a git repository.' };
    const s = openFinished(initialState(), { ok: false, error });
    expect(s.screen).toEqual({ name: 'start' });
    expect(s.opening).toEqual({ status: 'failed', error });
  });

  it('changes nothing when the chooser was cancelled', () => {
    const s = openFinished(initialState(), { ok: true, value: null });
    expect(s.screen).toEqual({ name: 'start' });
    expect(s.opening).toEqual({ status: 'idle' });
    expect(s.repo).toBeNull();
  });

  it('rejects a bad drop with a message', () => {
    const s = dropRejected(initialState(), 'You dropped 2 items. Drop one repository folder at a time.');
    expect(s.opening.status).toBe('failed');
    expect(s.announcement).toBe('You dropped 2 items. Drop one repository folder at a time.');
  });

  it('keeps the guide of a repository when another one is opened and the first comes back', () => {
    let s = fixStarted(opened(GADGETS), 'ssh.generate-key', 'origin');
    s = stepEntered(s, 'ssh', 'trust');
    s = openFinished(s, { ok: true, value: WIDGETS });
    s = openFinished(s, { ok: true, value: GADGETS });
    expect(s.guides[GADGETS.path]?.ssh?.at).toBe('trust');
  });
});

describe('diagnosis progress', () => {
  it('adds a line when a check starts and settles it when it finishes', () => {
    let s = running();
    s = progressReceived(s, 'r1', { type: 'check-started', id: 'https.read', remote: 'origin', title: 'Read access over HTTPS' });
    expect(s.diagnosis.checks).toEqual([{ id: 'https.read', remote: 'origin', title: 'Read access over HTTPS', status: 'running', summary: null }]);
    expect(s.announcement).toBe('Read access over HTTPS…');
    const check = appPasswordReport.checks[3]!;
    s = progressReceived(s, 'r1', { type: 'check-finished', check });
    expect(s.diagnosis.checks).toEqual([{ id: check.id, remote: 'origin', title: check.title, status: 'error', summary: check.summary }]);
    expect(s.announcement).toBe('Read access over HTTPS: problem.');
  });

  it('appends a check that finishes without having started (skipped checks)', () => {
    const check = appPasswordReport.checks[4]!;
    const s = progressReceived(running(), 'r1', { type: 'check-finished', check });
    expect(s.diagnosis.checks.map((c) => c.status)).toEqual(['skipped']);
  });

  it('keeps the same check of two remotes apart', () => {
    let s = running();
    s = progressReceived(s, 'r1', { type: 'check-started', id: 'https.read', remote: 'origin', title: 'Read' });
    s = progressReceived(s, 'r1', { type: 'check-started', id: 'https.read', remote: 'upstream', title: 'Read' });
    expect(s.diagnosis.checks).toHaveLength(2);
  });

  it('ignores progress and results of another run', () => {
    const s = running('r2');
    expect(progressReceived(s, 'r1', { type: 'check-started', id: 'x', remote: null, title: 'X' })).toBe(s);
    expect(diagnosisFinished(s, 'r1', { ok: true, value: appPasswordReport })).toBe(s);
  });

  it('takes the report as the final list of checks and learns the fix titles', () => {
    const s = diagnosisFinished(running(), 'r1', { ok: true, value: appPasswordReport });
    expect(s.diagnosis.run).toEqual({ status: 'done', value: appPasswordReport });
    expect(s.diagnosis.checks.map((c) => c.id)).toEqual(appPasswordReport.checks.map((c) => c.id));
    expect(s.fixTitles['credential.clear']).toBe('Remove the old saved password for Bitbucket');
    expect(s.announcement).toBe(`Found the cause: ${appPasswordReport.findings[0]!.title}`);
  });

  it('marks unfinished checks when the run is cancelled, and ignores a late answer', () => {
    let s = progressReceived(running(), 'r1', { type: 'check-started', id: 'ssh.auth', remote: 'origin', title: 'Push access over SSH' });
    s = diagnosisFinished(s, 'r1', { ok: false, error: { code: 'cancelled', message: 'Checks cancelled.' } });
    expect(s.diagnosis.checks[0]).toMatchObject({ status: 'skipped', summary: 'Did not finish.' });
    expect(s.announcement).toBe('Checks cancelled.');
    expect(diagnosisFinished(s, 'r1', { ok: true, value: appPasswordReport })).toBe(s);
  });
});

describe('reading a report', () => {
  it('leads with the first error and lists the rest', () => {
    expect(topFinding(sshNoKeyReport)?.code).toBe('ssh.no-key');
    expect(otherFindings(sshNoKeyReport).map((f) => f.code)).toEqual(['ssh.host-unknown']);
  });

  it('leads with a warning when there is no error, and with nothing when all is well', () => {
    const warningOnly: DiagnoseReport = { ...httpsOkReport, findings: [{ ...httpsOkReport.findings[0]!, severity: 'warning' }] };
    expect(topFinding(warningOnly)?.severity).toBe('warning');
    expect(topFinding(httpsOkReport)).toBeNull();
  });
});

describe('routing fixes', () => {
  it('sends every fix id to exactly one flow', () => {
    const routes = Object.fromEntries(FIX_IDS.map((id) => [id, routeForFix(id)]));
    expect(routes).toEqual({
      'credential.clear': 'https',
      'credential.save-token': 'https',
      'credential.use-secure-helper': 'fix',
      'credential.gcm-skip-validation': 'fix',
      'credential.gcm-use-dpapi': 'fix',
      'remote.use-token-username': 'fix',
      'remote.set-username': 'fix',
      'remote.remove-secret': 'fix',
      'remote.use-ssh': 'ssh',
      'remote.use-https': 'fix',
      'remote.use-ssh-host': 'fix',
      'ssh.generate-key': 'ssh',
      'ssh.fix-key-permissions': 'fix',
      'ssh.add-key-to-agent': 'fix',
      'ssh.configure-host': 'fix',
      'ssh.trust-host-keys': 'fix',
      'ssh.use-windows-openssh': 'fix',
      // Its own screen: the key onto the linked account (or the offer to connect), then ssh -T.
      'ssh.add-key-to-account': 'account-key',
      'open.api-token-page': 'https',
      'open.ssh-keys-page': 'fix',
      'open.repository-page': 'fix',
    });
  });

  it('starts the HTTPS guide with clearing only when clearing was picked', () => {
    expect(httpsStepsFor('credential.clear')).toEqual(['clear', 'token', 'save', 'verify']);
    expect(httpsStepsFor('credential.save-token')).toEqual(['token', 'save', 'verify']);
    expect(fixStarted(opened(), 'credential.clear', 'origin').screen).toEqual({ name: 'https', step: 'clear' });
    expect(fixStarted(opened(), 'open.api-token-page', 'origin').screen).toEqual({ name: 'https', step: 'token' });
  });

  it('resumes the SSH guide where the user left it', () => {
    let s = fixStarted(opened(GADGETS), 'ssh.generate-key', 'origin');
    expect(s.screen).toEqual({ name: 'ssh', step: 'generate' });
    s = stepEntered(s, 'ssh', 'add');
    s = screenShown(s, { name: 'diagnosis' });
    s = fixStarted(s, 'ssh.generate-key', 'origin');
    expect(s.screen).toEqual({ name: 'ssh', step: 'add' });
  });

  it('switches the remote with the fix the engine chose for it', () => {
    const atSwitch = (repo: RepoSummary) => fixStarted(opened(repo), 'ssh.generate-key', 'origin');
    expect(switchFixOf(atSwitch(WIDGETS))).toBe('remote.use-ssh');
    expect(switchFixOf(atSwitch(LEGACY))).toBe('remote.use-ssh-host');
    expect(switchFixOf(atSwitch(GADGETS))).toBe('remote.use-ssh-host');
    // The field decides, not the URL (which is https here).
    const told: RepoSummary = { ...WIDGETS, remotes: [{ ...WIDGETS.remotes[0]!, switchFix: 'remote.use-ssh-host' }] };
    expect(entryEffect(atSwitch(told), { name: 'ssh', step: 'switch' })).toEqual({ describe: 'remote.use-ssh-host' });
    // A remote the guide does not know: the host move, which then says there is nothing to move.
    expect(switchFixOf(fixStarted(opened(WIDGETS), 'ssh.generate-key', 'mirror'))).toBe('remote.use-ssh-host');
  });

  it('opens pages through the allow-listed targets', () => {
    expect(externalTargetFor('open.api-token-page', WIDGETS.path, null)).toEqual({ kind: 'api-token' });
    expect(externalTargetFor('open.ssh-keys-page', WIDGETS.path, null)).toEqual({ kind: 'ssh-keys' });
    expect(externalTargetFor('open.repository-page', WIDGETS.path, 'origin')).toEqual({ kind: 'repository', path: WIDGETS.path, remote: 'origin' });
    expect(externalTargetFor('remote.use-ssh', WIDGETS.path, null)).toBeNull();
  });

  it('asks the engine for what each screen shows', () => {
    const s = fixStarted(opened(LEGACY), 'ssh.generate-key', 'origin');
    expect(entryEffect(s, { name: 'start' })).toEqual({ recent: true });
    expect(entryEffect(s, { name: 'fix', fixId: 'remote.use-ssh-host' })).toEqual({ describe: 'remote.use-ssh-host' });
    expect(entryEffect(s, { name: 'https', step: 'clear' })).toEqual({ describe: 'credential.clear' });
    expect(entryEffect(s, { name: 'https', step: 'verify' })).toEqual({ diagnose: true });
    expect(entryEffect(s, { name: 'ssh', step: 'trust' })).toEqual({ describe: 'ssh.trust-host-keys' });
    expect(entryEffect(s, { name: 'ssh', step: 'switch' })).toEqual({ describe: 'remote.use-ssh-host' });
    expect(entryEffect(s, { name: 'ssh', step: 'copy' })).toEqual({});
    expect(entryEffect(s, { name: 'done' })).toEqual({ history: true });
  });
});

describe('repository trust and Settings', () => {
  it('asks about a repository that names untrusted commands, once per session, and never about a trusted one', () => {
    let s = openFinished(initialState(), { ok: true, value: STRANGER });
    expect(s.screen).toEqual({ name: 'trust' });
    expect(entryEffect(s, s.screen)).toEqual({});
    expect(backFrom(s)).toEqual({ name: 'start' });
    s = trustDeclined(s);
    expect(openFinished(s, { ok: true, value: STRANGER }).screen).toEqual({ name: 'diagnosis' });
    expect(openFinished(initialState(), { ok: true, value: { ...STRANGER, trusted: true } }).screen).toEqual({ name: 'diagnosis' });

    s = trustGranted(openFinished(initialState(), { ok: true, value: STRANGER }), { ok: true, value: { ...STRANGER, trusted: true } });
    expect(s.repo?.trusted).toBe(true);
    // Revoked in Settings: asked again next time.
    s = trustRevoked(s, STRANGER.path, { ok: true, value: [] });
    expect(s.repo?.trusted).toBe(false);
    expect(openFinished(s, { ok: true, value: STRANGER }).screen).toEqual({ name: 'trust' });
  });

  it('opens Settings over the current screen and returns there; the step indicator stays where it was', () => {
    let s = fixStarted(opened(), 'credential.clear', 'origin');
    const settings = settingsScreen(s);
    expect(settings).toEqual({ name: 'settings', returnTo: { name: 'https', step: 'clear' } });
    s = screenShown(s, settings);
    expect(settingsScreen(s)).toBe(s.screen);
    expect(backFrom(s)).toEqual({ name: 'https', step: 'clear' });
    expect(phaseOf(s)).toBe('fix');
    expect(entryEffect(s, s.screen)).toEqual({ settings: true, recent: true });
  });

  it('checks a typed Data Center server as main does', () => {
    expect(hostToAdd(' https://Git.Corp.Example/scm/ ', [])).toEqual({ host: 'git.corp.example' });
    expect(hostToAdd('git.corp.example', ['git.corp.example'])).toEqual({ error: 'git.corp.example is already in the list.' });
    expect(hostToAdd('', [])).toHaveProperty('error');
    expect(hostToAdd('two words', [])).toHaveProperty('error');
    expect(hostToAdd('host:70000', [])).toHaveProperty('error');
  });

  it('words re-test intervals', () => {
    expect([0, 15, 60, 120, 1440, 45].map(intervalWords)).toEqual(['Never', 'Every 15 minutes', 'Every hour', 'Every 2 hours', 'Once a day', 'Every 45 minutes']);
  });
});

describe('Back and the step indicator', () => {
  it('goes back one step, then out of the guide, then to Start', () => {
    let s = fixStarted(opened(), 'credential.clear', 'origin');
    s = stepEntered(s, 'https', 'token');
    expect(backFrom(s)).toEqual({ name: 'https', step: 'clear' });
    s = stepEntered(s, 'https', 'clear');
    expect(backFrom(s)).toEqual({ name: 'diagnosis' });
    expect(backFrom(screenShown(s, { name: 'diagnosis' }))).toEqual({ name: 'start' });
    expect(backFrom(screenShown(s, { name: 'done' }))).toEqual({ name: 'diagnosis' });
    expect(backFrom(initialState())).toEqual({ name: 'start' });
  });

  it('steps back through every SSH step in order', () => {
    let s = fixStarted(opened(GADGETS), 'ssh.generate-key', 'origin');
    const visited: string[] = [];
    s = stepEntered(s, 'ssh', 'verify');
    for (;;) {
      const back = backFrom(s);
      if (back.name !== 'ssh') break;
      visited.push(back.step);
      s = screenShown(s, back);
    }
    expect(visited).toEqual([...SSH_STEPS].reverse().slice(1));
  });

  it('shows Diagnose, then Fix, then Verify', () => {
    let s = opened();
    expect(phaseOf(initialState())).toBe('diagnose');
    expect(phaseOf(s)).toBe('diagnose');
    s = fixStarted(s, 'credential.clear', 'origin');
    expect(phaseOf(s)).toBe('fix');
    expect(phaseOf(stepEntered(s, 'https', 'verify'))).toBe('verify');
    s = applyFinished(s, 'credential.clear', { ok: true, value: RESULTS['credential.clear']! });
    expect(phaseOf(screenShown(s, { name: 'diagnosis' }))).toBe('verify');
    expect(phaseOf(screenShown(s, { name: 'done' }))).toBe('verify');
  });
});

describe('fixes and undo', () => {
  it('is busy while a fix runs', () => {
    const s = applyStarted(opened(), 'credential.clear');
    expect(isBusy(s)).toBe(true);
    expect(isBusy(applyFinished(s, 'credential.clear', { ok: true, value: RESULTS['credential.clear']! }))).toBe(false);
  });

  it('remembers applied fixes for the summary, and the new key for the SSH guide', () => {
    let s = fixStarted(opened(GADGETS), 'ssh.generate-key', 'origin');
    s = applyFinished(s, 'ssh.generate-key', { ok: true, value: RESULTS['ssh.generate-key']! });
    expect(s.guides[GADGETS.path]?.ssh?.key).toEqual(KEY);
    expect(s.guides[GADGETS.path]?.applied.map((r) => r.id)).toEqual(['ssh.generate-key']);
    expect(s.announcement).toBe(RESULTS['ssh.generate-key']!.message);
  });

  it('does not list a fix that changed nothing', () => {
    const noop = { id: 'ssh.trust-host-keys' as const, applied: true, changed: [], message: 'Already trusted.' };
    const s = applyFinished(opened(), 'ssh.trust-host-keys', { ok: true, value: noop });
    expect(s.guides[WIDGETS.path]?.applied).toEqual([]);
  });

  it('keeps a failed fix as failed with the engine message', () => {
    const error: ContractError = { code: 'failed', message: 'Bitbucket rejected the token: it lacks write:repository:bitbucket.' };
    const s = applyFinished(opened(), 'credential.save-token', { ok: false, error });
    expect(s.ops.applies['credential.save-token']).toEqual({ status: 'failed', error });
    expect(s.announcement).toBe(error.message);
  });

  it('treats a fix the engine ran but did not apply as failed, with its words (the guide does not move on)', () => {
    const notApplied = { id: 'credential.clear' as const, applied: false, changed: [], message: 'Not applied: the keychain is locked. Nothing was changed.' };
    const s = applyFinished(opened(), 'credential.clear', { ok: true, value: notApplied });
    expect(s.ops.applies['credential.clear']).toEqual({ status: 'failed', error: { code: 'failed', message: notApplied.message } });
    expect(s.guides[WIDGETS.path]?.applied).toEqual([]);
    expect(s.announcement).toBe(notApplied.message);
  });

  it('takes an undone fix out of the summary', () => {
    let s = applyFinished(opened(), 'credential.clear', { ok: true, value: RESULTS['credential.clear']! });
    s = applyFinished(s, 'credential.save-token', { ok: true, value: RESULTS['credential.save-token']! });
    s = undoFinished(s, { ok: true, value: { undone: true, fixId: 'credential.save-token', restored: ['credential helper libsecret'], message: 'Restored.' } });
    expect(s.guides[WIDGETS.path]?.applied.map((r) => r.id)).toEqual(['credential.clear']);
  });

  it('records the checked line of a step', () => {
    let s = fixStarted(opened(), 'credential.clear', 'origin');
    s = stepNoted(s, 'https', 'clear', 'Removed it.');
    expect(s.guides[WIDGETS.path]?.https?.notes).toEqual({ clear: 'Removed it.' });
  });
});

describe('words', () => {
  it('has a next step for every error code', () => {
    const codes: ErrorCode[] = ['invalid-request', 'untrusted-sender', 'not-found', 'not-a-directory', 'not-a-repo', 'not-applicable', 'cancelled', 'failed'];
    for (const code of codes) expect(hintFor({ code, message: '' })).toMatch(/\w/);
  });
});
