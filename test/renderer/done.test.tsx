import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { GuideDeps } from '../../renderer/src/state/store.js';
import type { Scenario } from './support/fake-api.js';
import { FAKE_API_TOKEN, HISTORY, REPORT_MARKDOWN, RESULTS, WIDGETS } from '../fixtures/guide.js';
import { h1, inMain, renderGuide } from './support/render.js';
import { HTTPS_SCENARIO as scenario } from './support/scenarios.js';

/** Runs the HTTPS guide through the store (the screens are covered in https.test.tsx) and shows Done. */
async function done(s: Scenario = scenario, deps: GuideDeps = {}) {
  const rendered = renderGuide(s, deps);
  const { store } = rendered;
  await act(() => store.getState().openPath(WIDGETS.path));
  await act(async () => {
    store.getState().startFix('credential.clear', 'origin');
    await store.getState().applyStep('https', 'clear', 'credential.clear');
    store.getState().go({ name: 'https', step: 'save' });
    await store.getState().applyStep('https', 'save', 'credential.save-token', { username: 'jdoe', token: FAKE_API_TOKEN });
  });
  await screen.findByText('Push to Bitbucket works from this computer.');
  await rendered.user.click(screen.getByRole('button', { name: 'See what changed' }));
  await h1('Push works');
  return rendered;
}

describe('Done', () => {
  it('summarises what changed, in the order it happened', async () => {
    await done();
    const changed = screen.getByRole('region', { name: 'What changed' });
    const items = within(changed).getAllByRole('listitem').filter((li) => li.parentElement?.classList.contains('summary-list'));
    expect(items.map((li) => li.querySelector('.summary-title')?.textContent)).toEqual([
      'Remove the old saved password for Bitbucket',
      'Save a new Bitbucket API token (tested before it is saved)',
    ]);
    expect(changed.textContent).toContain(RESULTS['credential.save-token']!.message);
    expect(changed.textContent).toContain('credential helper libsecret');
  });

  it('undoes the last change after saying which one it is', async () => {
    const { user, fake } = await done();
    const undo = screen.getByRole('region', { name: 'Undo' });
    expect(await within(undo).findByText(/The last change was “Save a new Bitbucket API token \(tested before it is saved\)” on/)).toBeTruthy();
    await user.click(within(undo).getByRole('button', { name: 'Undo the last change' }));
    expect(await within(undo).findByText('Undid: credential.save-token. Restored what it replaced.')).toBeTruthy();
    expect(fake.callsOf('fixUndo')).toEqual([{}]);
    const changed = screen.getByRole('region', { name: 'What changed' });
    expect(changed.textContent).not.toContain('Save a new Bitbucket API token');
    expect(await within(undo).findByText(/The last change was “Remove the old saved password for Bitbucket”/)).toBeTruthy();
    // The check that said "push works" was made before the undo: no longer claimed, and offered again.
    await h1('Summary');
    const diagnoses = fake.callsOf('diagnoseRun').length;
    await user.click(within(undo).getByRole('button', { name: 'Run the checks again' }));
    await h1(/Checking|Found the problem|Push works/);
    expect(fake.callsOf('diagnoseRun').length).toBe(diagnoses + 1);
  });

  it('lists the change history with absolute dates', async () => {
    const rendered = renderGuide({ ...scenario, history: HISTORY });
    await act(() => rendered.store.getState().openPath(WIDGETS.path));
    act(() => rendered.store.getState().go({ name: 'done' }));
    await h1('Summary');
    expect(inMain().getByText('Nothing was changed in this session.')).toBeTruthy();
    await rendered.user.click(await inMain().findByText('All changes Push Doctor made'));
    const history = inMain().getByText('All changes Push Doctor made').closest('details')!;
    expect(history.textContent).toMatch(/27 November 2026/);
    expect(history.textContent).toContain('Save a new Bitbucket API token');
  });

  it('says when there is nothing to undo', async () => {
    const rendered = renderGuide(scenario);
    await act(() => rendered.store.getState().openPath(WIDGETS.path));
    act(() => rendered.store.getState().go({ name: 'done' }));
    expect(await inMain().findByText('There is nothing to undo.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Undo the last change' })).toBeNull();
  });

  it('asks main to copy the report of this repository, and confirms it', async () => {
    const { user, fake } = await done();
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await inMain().findByText('Copied')).toBeTruthy();
    // The page names the report; main makes, redacts and writes it (the window has no clipboard permission).
    expect(fake.callsOf('clipboardWrite')).toEqual([{ kind: 'report', path: WIDGETS.path }]);
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('shows the report selected in a text box when the system clipboard refuses', async () => {
    const { user } = await done({ ...scenario, clipboardRefuses: true });
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    const text = (await screen.findByRole('textbox', { name: /Report for a support ticket/ })) as HTMLTextAreaElement;
    expect(text.value).toBe(REPORT_MARKDOWN);
    expect(document.activeElement).toBe(text);
    expect(text.selectionStart).toBe(0);
    expect(text.selectionEnd).toBe(REPORT_MARKDOWN.length);
    expect(inMain().queryByText('Copied')).toBeNull();
  });

  it('says what went wrong when there is no report to copy', async () => {
    const { user } = await done({ ...scenario, markdown: undefined });
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await inMain().findByText('Run a diagnosis of this repository first.')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('goes on to another repository', async () => {
    const { user } = await done();
    await user.click(screen.getByRole('button', { name: 'Check another repository' }));
    await h1('Drop a repository folder here');
  });
});
