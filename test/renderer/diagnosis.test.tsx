import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appPasswordFinding, appPasswordReport, GADGETS, httpsOkReport, sshNoKeyReport, unreachableReport, WIDGETS } from '../fixtures/guide.js';
import { inMain, renderGuide } from './support/render.js';
const liveRegion = () => screen.getByRole('status');

async function openWidgets(scenario: Parameters<typeof renderGuide>[0]) {
  const rendered = renderGuide({ repos: [WIDGETS, GADGETS], ...scenario });
  await act(() => rendered.store.getState().openPath(scenario?.repos?.[0]?.path ?? WIDGETS.path));
  return rendered;
}

describe('Diagnosis', () => {
  it('shows each check as it runs, with a word next to the spinner, and announces progress', async () => {
    const rendered = renderGuide({ repos: [WIDGETS], reports: { [WIDGETS.path]: [appPasswordReport] }, holdDiagnosis: true });
    void rendered.store.getState().openPath(WIDGETS.path);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Checking widgets…' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const checks = await screen.findByRole('region', { name: 'Checks' });
    await waitFor(() => expect(within(checks).getAllByRole('listitem')).toHaveLength(5));
    expect(within(checks).getAllByText('Checking')).toHaveLength(5);
    expect(liveRegion().textContent).toBe('Push access over HTTPS…');

    await act(async () => rendered.fake.finishDiagnosis());
    await screen.findByRole('heading', { level: 1, name: 'Found the problem' });
    const lines = within(screen.getByRole('region', { name: 'Checks' })).getAllByRole('listitem');
    expect(lines.map((l) => l.querySelector('.badge-word')?.textContent)).toEqual(['OK', 'OK', 'Warning', 'Problem', 'Skipped']);
    expect(lines[3]!.textContent).toContain('Bitbucket answered HTTP 410');
    expect(liveRegion().textContent).toBe(`Found the cause: ${appPasswordFinding.title}`);
  });

  it('cancels a running diagnosis and offers to run it again', async () => {
    const rendered = renderGuide({ repos: [WIDGETS], reports: { [WIDGETS.path]: [appPasswordReport] }, holdDiagnosis: true });
    void rendered.store.getState().openPath(WIDGETS.path);
    await rendered.user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Checks cancelled' })).toBeTruthy();
    expect(rendered.fake.callsOf('diagnoseCancel')).toEqual([{ runId: expect.any(String) }]);
    expect(inMain().getByText('The checks were cancelled. Nothing was changed.')).toBeTruthy();
    expect(inMain().getAllByText('Did not finish.')).toHaveLength(5);
    expect(screen.getByRole('button', { name: 'Run the checks again' })).toBeTruthy();
  });

  it('leads with the cause in one sentence, the evidence behind a disclosure, and the recommended fix as the primary button', async () => {
    const { user } = await openWidgets({ reports: { [WIDGETS.path]: [appPasswordReport] } });
    const verdict = screen.getByRole('region', { name: 'Verdict' });
    expect(within(verdict).getByRole('heading', { level: 2 }).textContent).toBe(
      'Your computer is still sending an app password (ATBB…3F9A). Bitbucket removed app passwords on 28 July 2026.',
    );
    expect(within(verdict).getByText(appPasswordFinding.detail)).toBeTruthy();

    const why = within(verdict).getByText('Why we think so');
    const details = why.closest('details')!;
    expect(details.open).toBe(false);
    await user.click(why);
    expect(details.open).toBe(true);
    expect(details.querySelector('pre.mono')?.textContent).toContain('HTTP 410');

    const primary = within(verdict).getByRole('button', { name: 'Remove the old saved password for Bitbucket' });
    expect(primary.className).toBe('primary');
    const alternatives = within(verdict)
      .getAllByRole('button')
      .filter((b) => b.className === 'link')
      .map((b) => b.textContent);
    expect(alternatives).toEqual([
      'Save a new Bitbucket API token (tested before it is saved)',
      'Open the page that creates an API token (scopes: read and write repository)',
      'Switch this remote to SSH',
    ]);
  });

  it('lists the other findings below the verdict, each with its fixes', async () => {
    await openWidgets({ repos: [GADGETS], reports: { [GADGETS.path]: [sshNoKeyReport] } });
    const verdict = screen.getByRole('region', { name: 'Verdict' });
    expect(within(verdict).getByRole('button', { name: 'Create a new SSH key (ed25519) for Bitbucket' })).toBeTruthy();
    const others = screen.getByRole('region', { name: 'Also found' });
    expect(others.textContent).toContain("ssh does not know ssh.bitbucket.org's host key yet");
    expect(within(others).getByRole('button', { name: "Trust Bitbucket's published host keys (and remove outdated ones)" })).toBeTruthy();
  });

  it('says plainly when push works', async () => {
    await openWidgets({ reports: { [WIDGETS.path]: [httpsOkReport] } });
    expect(screen.getByRole('heading', { level: 1, name: 'Push works' })).toBeTruthy();
    const verdict = screen.getByRole('region', { name: 'Verdict' });
    expect(within(verdict).getByText('Push to Bitbucket works from this computer.')).toBeTruthy();
    expect(within(verdict).getByText('All good')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Check another repository' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Also found' }).textContent).toContain('HTTPS push access to bitbucket.org works.');
  });

  it('offers to check again when a finding has no fix (a network problem)', async () => {
    const { user, fake } = await openWidgets({ reports: { [WIDGETS.path]: [unreachableReport, httpsOkReport] } });
    const verdict = screen.getByRole('region', { name: 'Verdict' });
    expect(within(verdict).getByRole('heading', { level: 2 }).textContent).toBe('Could not reach bitbucket.org over HTTPS: timed out after 15 s.');
    await user.click(within(verdict).getByRole('button', { name: 'Check again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Push works' })).toBeTruthy();
    expect(fake.callsOf('diagnoseRun')).toHaveLength(2);
  });

  it('shows a failed run as a message with a next step, never a stack trace', async () => {
    const { fake } = await openWidgets({ reports: {} });
    expect(screen.getByRole('heading', { level: 1, name: 'The checks did not finish' })).toBeTruthy();
    expect(inMain().getByText('The diagnosis could not run.')).toBeTruthy();
    expect(inMain().getByText(/Try again\. If it keeps failing, copy the report/)).toBeTruthy();
    expect(fake.callsOf('diagnoseRun')).toHaveLength(1);
  });

  it('turns a broken bridge into a plain message', async () => {
    const rendered = renderGuide({ repos: [WIDGETS], reports: { [WIDGETS.path]: [appPasswordReport] } });
    await act(() => rendered.store.getState().openPath(WIDGETS.path));
    rendered.fake.breakBridge();
    await rendered.user.click(screen.getByRole('button', { name: 'Run the checks again' }));
    expect(await inMain().findByText('Push Doctor could not reach its engine.')).toBeTruthy();
  });

  it('goes back to Start on Escape', async () => {
    const { user } = await openWidgets({ reports: { [WIDGETS.path]: [appPasswordReport] } });
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Drop a repository folder here' })).toBeTruthy();
  });

  it('runs the primary action (the recommended fix) on Enter', async () => {
    const { user } = await openWidgets({ reports: { [WIDGETS.path]: [appPasswordReport] } });
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Found the problem' }));
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Remove the old password' })).toBeTruthy();
  });

  it('cancels a running diagnosis on Escape', async () => {
    const rendered = renderGuide({ repos: [WIDGETS], reports: { [WIDGETS.path]: [appPasswordReport] }, holdDiagnosis: true });
    void rendered.store.getState().openPath(WIDGETS.path);
    await screen.findByRole('button', { name: 'Cancel' });
    await rendered.user.keyboard('{Escape}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Checks cancelled' })).toBeTruthy();
  });
});
