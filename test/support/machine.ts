import { keyringUnavailableReason } from './keyring.js';

/**
 * The kind of machine a test run stands for. `npm test` runs the fix suites twice:
 * - desktop (vitest project "engine"): each test home has its own Secret Service keyring on a
 *   private D-Bus session, and git's libsecret helper keeps credentials there;
 * - headless (vitest project "headless", see headless-setup.ts): no D-Bus session, no keyring, no
 *   display, as on a server, a container or WSL; git's in-memory `cache` helper stands in for a
 *   helper that keeps secrets itself, and the libsecret helper is installed but has no keyring.
 * The same tests run on both; where the product must behave differently, the test says so.
 */
export type MachineName = 'desktop' | 'headless';

export interface TestMachine {
  name: MachineName;
  /** A Secret Service keyring is reachable in the test homes. */
  keyring: boolean;
  /** The helper a user of this machine keeps credentials in, other than the plain-text store. */
  keeper: 'libsecret' | 'cache';
  /** Why this machine cannot be set up here (printed in the skipped suite's name), or null. */
  unavailable: string | null;
}

const DESKTOP: TestMachine = { name: 'desktop', keyring: true, keeper: 'libsecret', unavailable: keyringUnavailableReason() };
const HEADLESS: TestMachine = { name: 'headless', keyring: false, keeper: 'cache', unavailable: null };

export const MACHINE: TestMachine = process.env.PUSH_DOCTOR_TEST_MACHINE === 'headless' ? HEADLESS : DESKTOP;

/** "title [headless]", or "title [desktop] (skipped: why)" when the machine cannot be set up here. */
export function onMachine(title: string): string {
  return `${title} [${MACHINE.name}]${MACHINE.unavailable ? ` (skipped: ${MACHINE.unavailable})` : ''}`;
}
