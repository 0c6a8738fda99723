import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { probeSessionBus } from './dbus-probe.js';
import { ACCOUNT_ENV, ACCOUNT_KEYRING_SERVICE, parseLink, serializeLink, siteOf, type AccountLink, type Site } from './link.js';

/**
 * The account link in the operating system's keychain (macOS Keychain, Windows Credential
 * Manager, the Secret Service on Linux) through @napi-rs/keyring, and never anywhere else: when
 * there is no keychain, nothing is stored (BITBUCKET_EMAIL and BITBUCKET_API_TOKEN serve for one
 * run instead). The three ways a read comes back empty are told apart, each with one sentence.
 */
export type KeyringState = 'none' | 'locked' | 'unavailable';

export type KeyringRead = { state: 'found'; link: AccountLink } | { state: KeyringState; sentence: string };
export type KeyringWrite = { ok: true } | { ok: false; state: 'locked' | 'unavailable'; sentence: string };
export type KeyringDelete = { ok: true; deleted: boolean } | { ok: false; state: 'locked' | 'unavailable'; sentence: string };

export interface AccountKeyring {
  read(site: Site): Promise<KeyringRead>;
  write(link: AccountLink): Promise<KeyringWrite>;
  delete(site: Site): Promise<KeyringDelete>;
}

/** The subset of @napi-rs/keyring's AsyncEntry used here. */
interface KeyringEntry {
  setPassword(password: string, signal?: AbortSignal): Promise<void>;
  getPassword(signal?: AbortSignal): Promise<string | null>;
  deleteCredential(signal?: AbortSignal): Promise<boolean>;
}
type KeyringModule = {
  AsyncEntry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry;
};

export const KEYRING_SENTENCES = {
  none: (site: Site) => `No Bitbucket account is linked for ${site} on this computer (the system keychain holds none).`,
  locked: (name: string) =>
    `The ${name} is locked, so Push Doctor cannot read or store the account link: unlock it (log in to the desktop session, or unlock the "Login" keyring) and try again.`,
  unavailable: (name: string, reason: string) =>
    `This computer has no ${name} Push Doctor can use (${reason}). Nothing is stored in a plain file instead: set ${ACCOUNT_ENV.email} and ${ACCOUNT_ENV.token} in the environment for this run, or link the account where a keychain runs.`,
} as const;

export function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'system keyring (Secret Service)';
}

/**
 * What a keychain error means, from the native library's message. Pure.
 * - Secret Service (keyring-rs): a locked collection fails with "...unlock prompt was dismissed" (no
 *   prompter on a headless session) or "...is locked"; no bus, no daemon or a dead socket fail with
 *   "Platform failure: DBus error: ...".
 * - macOS: "User interaction is not allowed" (errSecInteractionNotAllowed, -25308) for a locked keychain.
 */
export function classifyKeyringError(message: string): { state: 'locked' | 'unavailable'; reason: string } {
  if (/unlock prompt was dismissed|\bis locked\b|collection is locked|User interaction is not allowed|interaction not allowed|-25308/i.test(message)) {
    return { state: 'locked', reason: 'locked' };
  }
  if (/org\.freedesktop\.secrets was not provided|ServiceUnknown|no such name/i.test(message)) {
    return { state: 'unavailable', reason: 'no Secret Service (such as gnome-keyring or KeePassXC) runs on the D-Bus session' };
  }
  if (/autolaunch|DBUS_SESSION_BUS_ADDRESS/i.test(message)) return { state: 'unavailable', reason: 'no D-Bus session bus' };
  if (/Failed to connect to socket|Connection refused|No such file or directory/i.test(message)) return { state: 'unavailable', reason: 'the D-Bus session bus cannot be reached' };
  const first = message.split('\n')[0]!.replace(/^(Platform failure|Couldn't access platform storage|Platform secure storage failure):\s*/i, '').trim();
  return { state: 'unavailable', reason: first.slice(0, 160) || 'the keychain library failed' };
}

/**
 * Why no keychain can be reached, decided from the environment alone before the native library is
 * touched (Linux): without a session bus address there is no Secret Service to ask. The native
 * library connects with this process's own environment, so a context whose environment names a
 * different bus (a test home) is refused rather than read from the wrong session.
 */
export function keyringPrecheck(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, processEnv: NodeJS.ProcessEnv = process.env): string | null {
  if (platform !== 'linux' && platform !== 'freebsd') return null;
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) return 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set (a headless session, a container or CI)';
  if (address !== processEnv.DBUS_SESSION_BUS_ADDRESS) return 'this process is attached to a different D-Bus session than the one named in the environment';
  return null;
}

let loaded: Promise<KeyringModule> | null = null;

/** A live bus answers its first line in microseconds; this is only the bound for a dead one. */
const BUS_PROBE_MS = 3000;

/** The system keychain, pinned to the Secret Service on Linux (the default falls back to the kernel keyring, which forgets at logout). */
export class SystemAccountKeyring implements AccountKeyring {
  readonly name: string;

  constructor(
    private readonly ctx: Pick<EngineContext, 'env' | 'platform' | 'timeoutMs'>,
    private readonly service = ACCOUNT_KEYRING_SERVICE,
  ) {
    this.name = keychainName(ctx.platform);
  }

  /** Runs one keychain call with a deadline; every failure becomes a state and a sentence. */
  private async call<T>(site: Site, action: (entry: KeyringEntry, signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; state: 'locked' | 'unavailable'; sentence: string }> {
    const unavailable = (reason: string) => ({ ok: false as const, state: 'unavailable' as const, sentence: KEYRING_SENTENCES.unavailable(this.name, reason) });
    const precheck = keyringPrecheck(this.ctx.env, this.ctx.platform);
    if (precheck) return unavailable(precheck);
    const address = this.ctx.env.DBUS_SESSION_BUS_ADDRESS;
    if (address && (this.ctx.platform === 'linux' || this.ctx.platform === 'freebsd')) {
      // The native library would block this process for good on a bus that never answers: ask first.
      const limit = Math.min(this.ctx.timeoutMs, BUS_PROBE_MS);
      const bus = await probeSessionBus(address, limit);
      if (bus === 'silent') return unavailable(`the D-Bus session bus does not answer (${timedOutReason(limit)})`);
      if (bus === 'refused') return unavailable('the D-Bus session bus cannot be reached');
    }
    const signal = AbortSignal.timeout(this.ctx.timeoutMs);
    try {
      loaded ??= import('@napi-rs/keyring') as Promise<KeyringModule>;
      const { AsyncEntry } = await loaded.catch((error: unknown) => {
        loaded = null;
        throw error;
      });
      // The constructor already connects (and throws "Platform failure: ..." without a Secret Service).
      const entry = new AsyncEntry(this.service, site, { linux: { store: 'secret-service' } });
      return { ok: true, value: await action(entry, signal) };
    } catch (error) {
      if (signal.aborted) return unavailable(`the keychain did not answer: ${timedOutReason(this.ctx.timeoutMs)}`);
      const { state, reason } = classifyKeyringError(error instanceof Error ? error.message : String(error));
      return state === 'locked' ? { ok: false, state, sentence: KEYRING_SENTENCES.locked(this.name) } : unavailable(reason);
    }
  }

  async read(site: Site): Promise<KeyringRead> {
    const result = await this.call(site, (entry, signal) => entry.getPassword(signal));
    if (!result.ok) return { state: result.state, sentence: result.sentence };
    // A locked Secret Service answers "nothing" only for items that do not exist: a missing item is "none" either way.
    if (result.value === null) return { state: 'none', sentence: KEYRING_SENTENCES.none(site) };
    const link = parseLink(result.value, site);
    if (!link) return { state: 'none', sentence: `${KEYRING_SENTENCES.none(site)} (An item under ${this.service} could not be read; link the account again.)` };
    return { state: 'found', link };
  }

  async write(link: AccountLink): Promise<KeyringWrite> {
    const value = serializeLink(link);
    const result = await this.call(siteOf(link), async (entry, signal) => {
      await entry.setPassword(value, signal);
      // A store that accepts a write and keeps nothing is no store: read it back.
      return (await entry.getPassword(signal)) === value;
    });
    if (!result.ok) return result;
    if (!result.value) return { ok: false, state: 'unavailable', sentence: KEYRING_SENTENCES.unavailable(this.name, 'it did not keep what was stored') };
    return { ok: true };
  }

  async delete(site: Site): Promise<KeyringDelete> {
    const result = await this.call(site, (entry, signal) => entry.deleteCredential(signal));
    return result.ok ? { ok: true, deleted: result.value } : result;
  }
}
