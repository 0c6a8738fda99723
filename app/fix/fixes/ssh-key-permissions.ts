import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../../context.js';
import { isCode } from '../atomic-write.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/** OpenSSH's default identity files (ssh_config(5) IdentityFile), used when the scope names none. */
const DEFAULT_IDENTITY_NAMES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'];

const PRIVATE_MODE = 0o600;

/** ssh refuses a private key that its group or others can access (sshkey_perm_ok: mode & 077). */
function tooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

interface KeyFile {
  path: string;
  mode: number;
}

async function keyFiles(ctx: EngineContext, scope: FixScope): Promise<KeyFile[]> {
  const paths = scope.keyPaths ?? DEFAULT_IDENTITY_NAMES.map((name) => path.join(ctx.homeDir, '.ssh', name));
  const out: KeyFile[] = [];
  for (const file of paths) {
    try {
      const info = await stat(file);
      if (info.isFile()) out.push({ path: file, mode: info.mode & 0o7777 });
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
    }
  }
  return out;
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** ssh.fix-key-permissions: chmod 600 on the identity files ssh would use that are too open. */
export const fixKeyPermissions: Fix = {
  id: 'ssh.fix-key-permissions',

  async describe(ctx, scope) {
    const keys = await keyFiles(ctx, scope);
    const open = keys.filter((k) => tooOpen(k.mode));
    if (!keys.length) return fixPlan(this.id, { applicable: false, reason: 'No private key file was found.' });
    if (!open.length) return fixPlan(this.id, { applicable: false, reason: 'Every private key is already readable only by you.' });
    return fixPlan(this.id, {
      applicable: true,
      changes: open.map((k) => ({ target: k.path, action: `Change its mode from ${octal(k.mode)} to ${octal(PRIVATE_MODE)} (ssh ignores a private key others can read)` })),
    });
  },

  async inEffect(ctx, scope) {
    const keys = await keyFiles(ctx, scope);
    return { inEffect: keys.length > 0 && keys.every((k) => !tooOpen(k.mode)), outcome: { message: 'Every private key is already readable only by you.' } };
  },

  async apply(ctx, scope, change) {
    const open = (await keyFiles(ctx, scope)).filter((k) => tooOpen(k.mode));
    for (const key of open) await change.chmod(key.path, PRIVATE_MODE);
    return { message: `Made ${open.length === 1 ? open[0]!.path : `${open.length} keys`} readable only by you (mode ${octal(PRIVATE_MODE)}).` };
  },

  async verify(ctx, scope) {
    const still = (await keyFiles(ctx, scope)).filter((k) => tooOpen(k.mode));
    return still.length ? { ok: false, detail: `Still too open: ${still.map((k) => `${k.path} (${octal(k.mode)})`).join(', ')}` } : { ok: true, detail: 'ssh will accept the key files (no group or other access).' };
  },
};
