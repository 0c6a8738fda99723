import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KeygenResult } from '../../contract/fixes.js';
import type { EngineContext } from '../../context.js';
import { createKey, defaultKeyComment, freeKeyName } from '../../keys/keygen.js';
import { derivePublicKey } from '../../keys/inspect.js';
import { sha256Fingerprint } from '../../ssh/fingerprint.js';
import { detectWsl, windowsPathOf, windowsSshKeys } from '../../platform/wsl.js';
import { isCode } from '../atomic-write.js';
import { listJournal } from '../undo.js';
import { fixPlan, type Fix } from '../types.js';

function sshDir(ctx: EngineContext): string {
  return path.join(ctx.homeDir, '.ssh');
}

/** The key the last applied ssh.generate-key made, if both its files are still there. */
export async function keyFromJournal(ctx: EngineContext): Promise<KeygenResult | null> {
  const entry = (await listJournal(ctx)).find((e) => e.fixId === 'ssh.generate-key');
  const privateKeyPath = entry?.changed.find((p) => entry.changed.includes(`${p}.pub`));
  if (!privateKeyPath) return null;
  try {
    await stat(privateKeyPath);
    const publicKey = (await readFile(`${privateKeyPath}.pub`, 'utf8')).trim();
    return { privateKeyPath, publicKeyPath: `${privateKeyPath}.pub`, publicKey, fingerprint: sha256Fingerprint(publicKey.split(/\s+/)[1] ?? '') };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

/** In WSL: which home's keys git's ssh uses, and the Windows-side keys it does not see. */
async function wslKeyNote(ctx: EngineContext): Promise<string[]> {
  const wsl = await detectWsl(ctx);
  if (!wsl) return [];
  const windowsKeys = await windowsSshKeys(ctx, wsl);
  if (!windowsKeys.length) return ["In WSL, git's ssh reads keys from the Linux home's ~/.ssh, which is where this key is made (Windows' own ssh keeps its keys elsewhere)."];
  const shown = windowsKeys.map((k) => windowsPathOf(wsl, k) ?? k).join(', ');
  return [
    `In WSL, git's ssh reads keys from the Linux home's ~/.ssh, not from Windows' ${shown}: if that key is already on your Bitbucket account, you can copy it into ~/.ssh (mode 600) instead of making a new one.`,
  ];
}

/** ssh.generate-key: a new ed25519 key pair in ~/.ssh (no ssh config change: that is ssh.configure-host). */
export const generateKey: Fix = {
  id: 'ssh.generate-key',

  async describe(ctx) {
    const dir = sshDir(ctx);
    const dirExists = await stat(dir).then(() => true, () => false);
    const name = dirExists ? await freeKeyName(dir) : 'id_ed25519';
    const privateKeyPath = path.join(dir, name);
    return fixPlan(this.id, {
      applicable: true,
      changes: [
        ...(dirExists ? [] : [{ target: dir, action: 'Create the folder (mode 700)' }]),
        { target: privateKeyPath, action: 'Create the private key (ed25519, mode 600; encrypted if you give a passphrase)' },
        { target: `${privateKeyPath}.pub`, action: 'Create the public key (mode 644), to add to Bitbucket' },
      ],
      details: [`Key comment: ${defaultKeyComment(ctx)}`, 'No existing key is replaced.', ...(await wslKeyNote(ctx))],
    });
  },

  async inEffect(ctx) {
    const key = await keyFromJournal(ctx);
    return key ? { inEffect: true, outcome: { message: `A key was already created: ${key.privateKeyPath} (${key.fingerprint}).`, key } } : { inEffect: false };
  },

  async apply(ctx, _scope, change, input) {
    const passphrase = input.passphrase ? ctx.secrets.wrap(input.passphrase) : null;
    const key = await createKey(ctx, change, { passphrase });
    return { message: `Created ${key.privateKeyPath} (${key.fingerprint}). Add the public key to Bitbucket.`, key };
  },

  async verify(ctx, _scope, outcome, input) {
    const key = outcome.key;
    if (!key) return { ok: false, detail: 'No key was created.' };
    const mode = (await stat(key.privateKeyPath)).mode & 0o777;
    if (mode !== 0o600) return { ok: false, detail: `${key.privateKeyPath} has mode ${mode.toString(8)}, not 600.` };
    // The real ssh-keygen must load the private key (with the passphrase) and derive our public key.
    const derived = await derivePublicKey(ctx, key.privateKeyPath, input.passphrase ? ctx.secrets.wrap(input.passphrase) : null);
    if (!derived.ok) return { ok: false, detail: `ssh-keygen cannot load the new key: ${derived.reason}` };
    if (derived.publicKey !== key.publicKey.split(/\s+/).slice(0, 2).join(' ')) return { ok: false, detail: 'The private and public key files do not match.' };
    return { ok: true, detail: `ssh-keygen loads ${key.privateKeyPath} and derives its public key.` };
  },
};
