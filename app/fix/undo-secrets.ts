import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { describeHelper, type HelperKind } from '../credentials/helpers.js';
import { sharedWithWindows } from '../exec/env.js';
import { Secret, revealSecret } from '../secrets/secret.js';
import { createFileExclusive, isCode } from './atomic-write.js';
import { helperCall, type CredentialKey } from './credential-io.js';
import { ensurePrivateDir, FILE_MODE } from './state-dir.js';
import { writePoint } from './write-points.js';

/**
 * Where undo keeps the secrets a fix removes or replaces (a saved password, the bytes of a
 * plain-text credentials file). Never in the journal: it stores only an opaque reference.
 *
 * A secret is kept no less protected than where it was found, and without needing anything the
 * machine lacks (a server has no keyring, no D-Bus, no display):
 * - found in a plain-text file (git's store file, a URL in .git/config): a 0600 file in Push
 *   Doctor's own 0700 state folder, the same protection the file gave it;
 * - found in a helper that keeps secrets itself (a keyring, the system keychain, Git Credential
 *   Manager, git's memory cache): in that same helper, under a name of its own that git never asks
 *   for, so it stays in the very keyring it came from (on WSL: Windows' Credential Manager);
 * - found in a helper we cannot judge (a custom `!` snippet): the system keychain, or not at all.
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

/** Where the undo copies of one change are kept; recorded in the journal beside the references. */
export type UndoSecretPlace = 'state-folder' | 'helper' | 'keychain';

export function newSecretRef(): string {
  return `undo-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** Helpers that keep secrets in plain-text files. */
const PLAINTEXT_KINDS: readonly HelperKind[] = ['store', 'netrc'];
/** Helpers that keep secrets themselves, encrypted or in memory: the undo copy stays with them. */
const SELF_KEEPING_KINDS: readonly HelperKind[] = ['libsecret', 'gnome-keyring', 'osxkeychain', 'wincred', 'manager', 'cache'];

/** Where undo keeps what one credential helper held: as protected as the helper kept it. */
export function undoPlaceFor(kind: HelperKind): UndoSecretPlace {
  if (PLAINTEXT_KINDS.includes(kind)) return 'state-folder';
  if (SELF_KEEPING_KINDS.includes(kind)) return 'helper';
  return 'keychain';
}

/** The folder of undo secrets inside the state folder (0700; one 0600 file per secret). */
export function undoSecretsDir(stateDir: string): string {
  return path.join(stateDir, 'undo-secrets');
}

/**
 * Secrets from plain-text files, kept as 0600 files in the state folder's `undo-secrets` folder
 * (0700), one file per reference. Needs nothing but the file system.
 */
export class StateFolderUndoSecretStore implements UndoSecretStore {
  readonly name: string;
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = undoSecretsDir(stateDir);
    this.name = `Push Doctor's state folder (${this.dir})`;
  }

  private file(ref: string): string {
    if (!/^[\w.-]+$/.test(ref)) throw new Error(`not an undo reference: ${ref}`);
    return path.join(this.dir, ref);
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await ensurePrivateDir(this.dir);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `${this.name} cannot be written: ${message(error)}` };
    }
  }

  async put(ref: string, value: Secret): Promise<void> {
    await ensurePrivateDir(this.dir);
    await createFileExclusive(this.file(ref), revealSecret(value), FILE_MODE);
    if ((await readFile(this.file(ref), 'utf8')) !== revealSecret(value)) throw new Error(`${this.name} did not keep the undo data`);
  }

  async get(ref: string): Promise<Secret> {
    try {
      return new Secret(await readFile(this.file(ref), 'utf8'));
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new Error(`the undo data ${ref} is no longer in ${this.name}`);
      throw error;
    }
  }

  async delete(ref: string): Promise<void> {
    writePoint('undo-copy.erase', this.file(ref));
    await rm(this.file(ref), { force: true });
  }
}

/**
 * Removes undo-secret files no journal entry refers to: a process that died between keeping a
 * secret and recording the step that needs it leaves one behind. Call with the journal lock held.
 */
export async function removeOrphanedUndoSecrets(stateDir: string, referenced: ReadonlySet<string>): Promise<void> {
  const dir = undoSecretsDir(stateDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) if (!referenced.has(name)) await rm(path.join(dir, name), { force: true });
}

/** The host under which a helper keeps one undo copy: reserved (RFC 6761 .invalid), so git never asks for it. */
export const UNDO_HOST_SUFFIX = 'push-doctor-undo.invalid';
const UNDO_USERNAME = 'push-doctor-undo';

/**
 * Undo copies kept by the credential helper the secret came from, through the same helper protocol
 * git uses, each under its own `https://<ref>.push-doctor-undo.invalid` entry. The helper runs in
 * the user's environment exactly as git runs it, so this needs no keyring access of our own (and
 * works for a Windows-side Git Credential Manager used from WSL).
 */
export class HelperUndoSecretStore implements UndoSecretStore {
  readonly name: string;
  private readonly ctx: EngineContext;

  constructor(
    ctx: EngineContext,
    private readonly helper: string,
    private readonly cwd: string | null,
  ) {
    // Git Credential Manager: no host detection over the network for our reserved name.
    const wsl = ctx.env.WSL_DISTRO_NAME || ctx.env.WSL_INTEROP;
    this.ctx = { ...ctx, env: { ...ctx.env, GCM_PROVIDER: 'generic', ...(wsl ? { WSLENV: sharedWithWindows(ctx.env.WSLENV, 'GCM_PROVIDER') } : {}) } };
    this.name = `the credential helper "${ctx.secrets.redact(helper)}"`;
  }

  private key(ref: string): CredentialKey {
    if (!/^[a-z0-9-]+$/.test(ref)) throw new Error(`not an undo reference: ${ref}`);
    return { protocol: 'https', host: `${ref}.${UNDO_HOST_SUFFIX}`, username: UNDO_USERNAME };
  }

  private call(action: 'get' | 'store' | 'erase', ref: string, value: Secret | null = null) {
    return helperCall(this.ctx, this.helper, action, this.key(ref), value, this.cwd ?? undefined);
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const ref = `${newSecretRef()}-check`;
    try {
      await this.put(ref, new Secret(randomBytes(12).toString('hex')));
      await this.delete(ref);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: message(error) };
    }
  }

  async put(ref: string, value: Secret): Promise<void> {
    writePoint('undo-copy.store', this.name);
    const stored = await this.call('store', ref, value);
    const back = stored.ok ? await this.call('get', ref) : null;
    if (back?.password && revealSecret(back.password) === revealSecret(value)) return;
    await this.call('erase', ref).catch(() => undefined);
    const why = helperMessage(stored.error || back?.error || '');
    throw new Error(`${this.name} did not keep the undo copy${why ? ` (${why})` : ''}`);
  }

  async get(ref: string): Promise<Secret> {
    const found = await this.call('get', ref);
    if (found.password) return found.password;
    // A locked keyring answers like an empty one: say both.
    const said = helperMessage(found.error);
    throw new Error(`${this.name} did not return the undo data ${ref} (it is locked or unreachable, or the data was removed)${said ? `: ${said}` : ''}`);
  }

  async delete(ref: string): Promise<void> {
    writePoint('undo-copy.erase', this.name);
    await this.call('erase', ref);
  }
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
 * Secret Service on Linux. Only for secrets from helpers whose protection we cannot judge, and for
 * undo data written by earlier versions. Pinned to the Secret Service on Linux, because its
 * default silently falls back to the kernel keyring, which forgets everything at logout. The
 * native module talks to the D-Bus session of this process's environment (DBUS_SESSION_BUS_ADDRESS).
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
    writePoint('undo-copy.store', this.name);
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
    writePoint('undo-copy.erase', this.name);
    await this.guard(() => entry.deleteCredential());
  }
}

/**
 * The stores undo uses, one per place; the keychain is opened only when a change needs it, so a
 * machine without one never touches it.
 */
export class UndoSecretStores {
  private keychainStore: UndoSecretStore | null;
  private stateFolderStore: UndoSecretStore | null = null;

  constructor(
    private readonly ctx: EngineContext,
    keychain?: UndoSecretStore,
  ) {
    this.keychainStore = keychain ?? null;
  }

  stateFolder(): UndoSecretStore {
    return (this.stateFolderStore ??= new StateFolderUndoSecretStore(this.ctx.stateDir));
  }

  keychain(): UndoSecretStore {
    return (this.keychainStore ??= new KeyringUndoSecretStore());
  }

  /** The store for a credential helper's secrets ("store" → state folder, "libsecret" → libsecret...). */
  forHelper(place: UndoSecretPlace, helper: string, cwd: string | null): UndoSecretStore {
    if (place === 'state-folder') return this.stateFolder();
    if (place === 'helper') return new HelperUndoSecretStore(this.ctx, helper, cwd);
    return this.keychain();
  }

  /** The place for a helper value as configured. */
  placeFor(helper: string): UndoSecretPlace {
    return undoPlaceFor(describeHelper(helper, this.ctx.homeDir, this.ctx.homeDir).kind);
  }
}

/**
 * The first line a helper printed, without GLib's log prefix ("** (process:123): CRITICAL **:
 * 02:54:04.580: could not connect to Secret Service: ..." → "could not connect to ...").
 */
export function helperMessage(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim()) ?? '';
  return line.replace(/^(\*\* )?\(process:\d+\): [\w-]*\s*\*\*: [\d:.]+: /, '').trim();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
