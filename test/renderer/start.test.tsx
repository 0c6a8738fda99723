import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appPasswordReport, GADGETS, RECENT, sshNoKeyReport, WIDGETS } from '../fixtures/guide.js';
import { inMain, renderGuide } from './support/render.js';

const scenario = {
  repos: [WIDGETS, GADGETS],
  files: [`${WIDGETS.path}/README.md`],
  reports: { [WIDGETS.path]: [appPasswordReport], [GADGETS.path]: [sshNoKeyReport] },
  recent: RECENT,
};

function dropOn(target: Element, files: File[]) {
  fireEvent.drop(target, { dataTransfer: { files, types: ['Files'] } });
}

describe('Start', () => {
  it('shows the drop zone with its heading focused, and the Choose folder button', () => {
    renderGuide();
    const heading = screen.getByRole('heading', { level: 1, name: 'Drop a repository folder here' });
    expect(document.activeElement).toBe(heading);
    expect(screen.getByRole('button', { name: 'Choose folder…' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Progress' })).toBeTruthy();
    expect(screen.getByText('Diagnose').getAttribute('aria-current')).toBe('step');
  });

  it('lists recent repositories with path, last result in words, and an absolute date', async () => {
    renderGuide(scenario);
    const recent = await screen.findByRole('region', { name: 'Recent repositories' });
    const items = within(recent).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByRole('button', { name: 'widgets' })).toBeTruthy();
    expect(items[0]!.textContent).toContain(WIDGETS.path);
    expect(items[0]!.textContent).toContain('Failing');
    expect(items[0]!.textContent).toContain('26 November 2026');
    expect(items[1]!.querySelector('.badge-word')?.textContent).toBe('OK');
    expect(items[1]!.textContent).toContain('Push works');
  });

  it('opens a recent repository and starts the diagnosis', async () => {
    const { user, fake } = renderGuide(scenario);
    await user.click(await screen.findByRole('button', { name: 'widgets' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Found the problem' })).toBeTruthy();
    expect(fake.callsOf('repoOpen')).toEqual([{ path: WIDGETS.path }]);
    expect(fake.callsOf('diagnoseRun')).toEqual([{ path: WIDGETS.path, runId: expect.any(String) }]);
    expect(screen.getByText('widgets', { selector: '.repo-name' })).toBeTruthy();
    expect(screen.getByText('origin → https://jdoe@bitbucket.org/acme/widgets.git')).toBeTruthy();
  });

  it('removes a repository from the recent list', async () => {
    const { user, fake } = renderGuide(scenario);
    await user.click(await screen.findByRole('button', { name: 'Remove gadgets from recent repositories' }));
    expect(fake.callsOf('recentRemove')).toEqual([{ path: GADGETS.path }]);
    expect(screen.queryByRole('button', { name: 'gadgets' })).toBeNull();
  });

  it('opens the folder picked with Choose folder…', async () => {
    const { user, fake } = renderGuide({ ...scenario, chosen: GADGETS.path });
    await user.click(screen.getByRole('button', { name: 'Choose folder…' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Found the problem' })).toBeTruthy();
    expect(fake.callsOf('repoChoose')).toHaveLength(1);
  });

  it('stays on Start when the chooser is cancelled', async () => {
    const { user, fake } = renderGuide({ ...scenario, chosen: null });
    await user.click(screen.getByRole('button', { name: 'Choose folder…' }));
    await act(async () => {});
    expect(fake.callsOf('repoChoose')).toHaveLength(1);
    expect(screen.getByRole('heading', { level: 1, name: 'Drop a repository folder here' })).toBeTruthy();
    expect(fake.callsOf('diagnoseRun')).toHaveLength(0);
  });

  it('opens a folder dropped anywhere on the window', async () => {
    const { fake } = renderGuide(scenario);
    dropOn(screen.getByRole('banner'), [fake.fileAt(GADGETS.path)]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Found the problem' })).toBeTruthy();
    expect(fake.callsOf('repoDrop')).toEqual([{ paths: [GADGETS.path] }]);
  });

  it('says what to do when a file is dropped', async () => {
    const { fake } = renderGuide(scenario);
    dropOn(screen.getByText(/Push Doctor finds out/), [fake.fileAt(`${WIDGETS.path}/README.md`)]);
    expect(await inMain().findByText(`${WIDGETS.path}/README.md is a file, not a folder.`)).toBeTruthy();
    expect(inMain().getByText('Drop a folder, not a file: the folder your project lives in.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Drop a repository folder here' })).toBeTruthy();
  });

  it('says what to do when a folder is not a repository', async () => {
    const { fake } = renderGuide(scenario);
    dropOn(screen.getByRole('main'), [fake.fileAt('/home/jdoe/Downloads')]);
    expect(await inMain().findByText('/home/jdoe/Downloads is not inside a git repository.')).toBeTruthy();
    expect(inMain().getByText(/Drop the folder that contains your project/)).toBeTruthy();
  });

  it('asks for one folder when several items are dropped', async () => {
    const { fake } = renderGuide(scenario);
    dropOn(screen.getByRole('main'), [fake.fileAt(WIDGETS.path), fake.fileAt(GADGETS.path)]);
    expect(await inMain().findByText('You dropped 2 items. Drop one repository folder at a time.')).toBeTruthy();
    expect(fake.callsOf('repoOpen')).toHaveLength(0);
  });

  it('explains a drop that carries no file (text, a link)', async () => {
    const { fake } = renderGuide(scenario);
    dropOn(screen.getByRole('main'), []);
    expect(await inMain().findByText(/That was not a folder from your computer/)).toBeTruthy();
    dropOn(screen.getByRole('main'), [new File(['x'], 'note.txt')]);
    expect(await inMain().findByText(/could not tell where that item is/)).toBeTruthy();
    expect(fake.callsOf('repoOpen')).toHaveLength(0);
  });

  it('opens a folder sent from outside the window (second launch, tray)', async () => {
    const { fake } = renderGuide(scenario);
    act(() => fake.emit('repo.requested', { path: GADGETS.path }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Found the problem' })).toBeTruthy();
  });

  it('highlights the window while something is dragged over it', () => {
    const { container } = renderGuide(scenario);
    const app = container.querySelector('.app')!;
    fireEvent.dragEnter(app, { dataTransfer: { files: [], types: ['Files'] } });
    expect(app.className).toContain('dragging');
    fireEvent.dragLeave(app);
    expect(app.className).not.toContain('dragging');
  });
});
