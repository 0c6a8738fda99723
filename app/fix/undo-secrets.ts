import { randomBytes } from 'node:crypto';
import { Secret, revealSecret } from '../secrets/secret.js';

/**
 * Where undo keeps the secrets a fix removes or replaces (a saved password, the bytes of a
 * plain-text credentials file): never the journal, never a file. Each value lives under an opaque
 * reference that the journal stores.
 */
export interface UndoSecretStore {
  readonly name: string;
  /** Proves the store can keep a value right now (write, read back, delete a canary). */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Stores a value and reads it back; throws when it could not be kept. */
  put(ref: string, value: Secret): Promise<void>;
  /** The value, or throws with a reason (missing, or the store is locked or unreachable). */
  get(ref: string): Promise<Secret>;
  delete(ref: string): Promise<void>;
}

export function newSecretRef(): string {
  return `undo-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** The subset of @napi-rs/keyring's AsyncEntry we use. */
interface KeyringEntry {
  setPassword(password: string): Promise<void>;
  getPassword(): Promise<string | null>;
  deleteCredential(): Promise<boolean>;
}
type KeyringModule = {
  AsyncEntry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry;
};

/** Service name of every item push-doctor keeps for undo in the system keychain. */
export const UNDO_KEYRING_SERVICE = 'push-doctor-undo';

/**
 * The system keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, the
 * Secret Service on Linux. Pinned to the Secret Service on Linux, because its default silently
 * falls back to the kernel keyring, which forgets everything at logout. The native module talks to
 * the D-Bus session of this process's environment (DBUS_SESSION_BUS_ADDRESS).
 */
export class KeyringUndoSecretStore implements UndoSecretStore {
  readonly name = 'system keychain';
  private module: Promise<KeyringModule> | null = null;

  constructor(private readonly service = UNDO_KEYRING_SERVICE) {}

  private async entry(ref: string): Promise<KeyringEntry> {
    this.module ??= import('@napi-rs/keyring') as Promise<KeyringModule>;
    const { AsyncEntry } = await this.module;
    return new AsyncEntry(this.service, ref, { linux: { store: 'secret-service' } });
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const ref = `${newSecretRef()}-check`;
    try {
      const canary = randomBytes(12).toString('hex');
      const entry = await this.entry(ref);
      await entry.setPassword(canary);
      const back = await entry.getPassword();
      await entry.deleteCredential().catch(() => false);
      // A locked collection may answer "nothing there" instead of an error: only a read-back proves it works.
      if (back !== canary) return { ok: false, reason: `the ${this.name} did not return what was stored (locked?)` };
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the ${this.name} is not usable: ${message(error)}` };
    }
  }

  /** Native errors ("Couldn't access platform storage: ...") become one sentence that names the store. */
  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new Error(`the ${this.name} is not usable: ${message(error)}`);
    }
  }

  async put(ref: string, value: Secret): Promise<void> {
    const entry = await this.entry(ref);
    const kept = await this.guard(async () => {
      await entry.setPassword(revealSecret(value));
      return (await entry.getPassword()) === revealSecret(value);
    });
    if (!kept) {
      await entry.deleteCredential().catch(() => false);
      throw new Error(`the ${this.name} did not keep the undo data (locked?)`);
    }
  }

  async get(ref: string): Promise<Secret> {
    const entry = await this.entry(ref);
    const value = await this.guard(() => entry.getPassword());
    if (value !== null) return new Secret(value);
    const health = await this.check();
    throw new Error(health.ok ? `the undo data ${ref} is no longer in the ${this.name}` : health.reason);
  }

  async delete(ref: string): Promise<void> {
    const entry = await this.entry(ref);
    await this.guard(() => entry.deleteCredential());
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
