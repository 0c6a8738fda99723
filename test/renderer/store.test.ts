import { describe, expect, it, vi } from 'vitest';
import { createGuideStore } from '../../renderer/src/state/store.js';
import { appPasswordReport, FAKE_API_TOKEN, GADGETS, PLANS, RECENT, RESULTS, WIDGETS } from '../fixtures/guide.js';
import { createFakeApi, type Scenario } from './support/fake-api.js';

const scenario: Scenario = {
  repos: [WIDGETS, GADGETS],
  reports: { [WIDGETS.path]: [appPasswordReport] },
  plans: PLANS,
  results: { 'credential.save-token': [{ ok: true, value: RESULTS['credential.save-token']! }] },
  recent: RECENT,
};

function setup(s: Scenario = scenario) {
  const fake = createFakeApi(s);
  let n = 0;
  const store = createGuideStore(fake.api, { newRunId: () => `run-${++n}` });
  return { fake, store };
}

describe('guide store', () => {
  it('opens, diagnoses with its own run id, and follows only that run', async () => {
    const { fake, store } = setup();
    const stop = store.getState().init();
    await store.getState().openPath(WIDGETS.path);
    expect(fake.callsOf('diagnoseRun')).toEqual([{ path: WIDGETS.path, runId: 'run-1' }]);
    expect(store.getState().diagnosis.run.status).toBe('done');
    const before = store.getState().diagnosis;
    fake.emit('diagnose.progress', { runId: 'run-0', progress: { type: 'check-started', id: 'x', remote: null, title: 'X' } });
    expect(store.getState().diagnosis).toBe(before);
    stop();
  });

  it('never keeps the token: it goes to fixApply and nowhere else', async () => {
    const { fake, store } = setup();
    await store.getState().openPath(WIDGETS.path);
    store.getState().startFix('credential.save-token', 'origin');
    await store.getState().applyStep('https', 'save', 'credential.save-token', { username: 'jdoe', token: FAKE_API_TOKEN });
    expect(fake.callsOf('fixApply')).toEqual([{ path: WIDGETS.path, fixId: 'credential.save-token', remote: 'origin', input: { username: 'jdoe', token: FAKE_API_TOKEN } }]);
    expect(JSON.stringify(store.getState())).not.toContain(FAKE_API_TOKEN);
    expect(store.getState().screen).toEqual({ name: 'https', step: 'verify' });
  });

  it('does not open another folder while a fix is being applied', async () => {
    const { fake, store } = setup();
    await store.getState().openPath(WIDGETS.path);
    const applying = store.getState().apply('credential.save-token', { username: 'jdoe', token: FAKE_API_TOKEN });
    await store.getState().openPath(GADGETS.path);
    expect(store.getState().announcement).toBe('Wait for the current step to finish, then open the folder again.');
    await applying;
    expect(fake.callsOf('repoOpen')).toEqual([{ path: WIDGETS.path }]);
  });

  it('refreshes the recent list when the tray re-test finishes', async () => {
    const { fake, store } = setup();
    const stop = store.getState().init();
    await vi.waitFor(() => expect(store.getState().recent.status).toBe('done'));
    expect(fake.callsOf('recentList')).toHaveLength(1);
    fake.emit('retest.finished', { results: [] });
    expect(fake.callsOf('recentList')).toHaveLength(2);
    stop();
    fake.emit('retest.finished', { results: [] });
    expect(fake.callsOf('recentList')).toHaveLength(2);
  });

  it('turns a rejected bridge call into an error value', async () => {
    const { fake, store } = setup();
    fake.breakBridge();
    await store.getState().openPath(WIDGETS.path);
    expect(store.getState().opening).toEqual({ status: 'failed', error: { code: 'failed', message: 'Push Doctor could not reach its engine.' } });
  });
});
