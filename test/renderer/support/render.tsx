import { render, screen, within, type RenderResult } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import axe from 'axe-core';
import type { StoreApi } from 'zustand';
import { GuideProvider } from '../../../renderer/src/state/context.js';
import { createGuideStore, type GuideDeps, type GuideStore } from '../../../renderer/src/state/store.js';
import { App } from '../../../renderer/src/ui/App.js';
import { createFakeApi, type FakeApi, type Scenario } from './fake-api.js';

export interface Rendered extends RenderResult {
  fake: FakeApi;
  store: StoreApi<GuideStore>;
  user: UserEvent;
}

let runs = 0;

/** Queries inside the current screen (the live region repeats some messages outside it). */
export const inMain = () => within(screen.getByRole('main'));

/** Waits for the screen or step whose heading is `name`. */
export const h1 = (name: string | RegExp) => screen.findByRole('heading', { level: 1, name });

/** The whole app against a fake engine, as the window shows it. */
export function renderGuide(scenario: Scenario = {}, deps: GuideDeps = {}): Rendered {
  const fake = createFakeApi(scenario);
  const store = createGuideStore(fake.api, { newRunId: () => `run-${++runs}`, ...deps });
  const user = userEvent.setup();
  const result = render(
    <GuideProvider store={store}>
      <App />
    </GuideProvider>,
  );
  return { ...result, fake, store, user };
}

/**
 * axe-core on the rendered document. jsdom computes no layout or colours, so contrast is left to
 * the e2e in Chromium; every other rule runs.
 */
export async function axeViolations(): Promise<string[]> {
  const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
