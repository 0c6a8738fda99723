import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../../context.js';
import { describeOffenders, inspectKeyAcl } from '../../ssh/key-acl.js';
import { isCode } from '../atomic-write.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/** OpenSSH's default identity files (ssh_config(5) IdentityFile), used when the scope names none. */
const DEFAULT_IDENTITY_NAMES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'];

const PRIVATE_MODE = 0o600;

interface KeyFile {
  path: string;
  /** POSIX mode, or null on Windows. */
  mode: number | null;
  /** Why ssh refuses it: "mode 644", "BUILTIN\Users:(I)(RX)"; null when it is private already. */
  open: string | null;
}

/**
 * The identity files ssh would use, and which are too open: POSIX ssh refuses group or other
 * access (sshkey_perm_ok: mode & 077); OpenSSH for Windows refuses an access list that lets
 * anyone but the user, SYSTEM and Administrators in (see ssh/key-acl), where `chmod 600` does nothing.
 */
async function keyFiles(ctx: EngineContext, scope: FixScope): Promise<KeyFile[]> {
  const paths = scope.keyPaths ?? DEFAULT_IDENTITY_NAMES.map((name) => path.join(ctx.homeDir, '.ssh', name));
  const out: KeyFile[] = [];
  for (const file of paths) {
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
      continue;
    }
    if (!info.isFile()) continue;
    if (ctx.platform === 'win32') {
      const acl = await inspectKeyAcl(ctx, file);
      if (!acl.ok) throw new Error(acl.reason);
      out.push({ path: file, mode: null, open: acl.acl.offenders.length ? describeOffenders(acl.acl.offenders) : null });
    } else {
      const mode = info.mode & 0o7777;
      out.push({ path: file, mode, open: (mode & 0o077) !== 0 ? `mode ${octal(mode)}` : null });
    }
  }
  return out;
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** ssh.fix-key-permissions: chmod 600 (Windows: an access list for the user alone) on the identity files ssh would use that are too open. */
export const fixKeyPermissions: Fix = {
  id: 'ssh.fix-key-permissions',

  async describe(ctx, scope) {
    const keys = await keyFiles(ctx, scope);
    const open = keys.filter((k) => k.open);
    if (!keys.length) return fixPlan(this.id, { applicable: false, reason: 'No private key file was found.' });
    if (!open.length) return fixPlan(this.id, { applicable: false, reason: 'Every private key is already readable only by you.' });
    if (ctx.platform === 'win32') {
      return fixPlan(this.id, {
        applicable: true,
        changes: open.map((k) => ({ target: k.path, action: `Let only you use it: remove inherited access and other accounts (${k.open}) with icacls (OpenSSH for Windows ignores a key others can use)` })),
        details: ['The old access list is saved first (icacls /save); undo restores it exactly.'],
      });
    }
    return fixPlan(this.id, {
      applicable: true,
      changes: open.map((k) => ({ target: k.path, action: `Change its mode from ${octal(k.mode!)} to ${octal(PRIVATE_MODE)} (ssh ignores a private key others can read)` })),
    });
  },

  async inEffect(ctx, scope) {
    const keys = await keyFiles(ctx, scope);
    return { inEffect: keys.length > 0 && keys.every((k) => !k.open), outcome: { message: 'Every private key is already readable only by you.' } };
  },

  async apply(ctx, scope, change) {
    const open = (await keyFiles(ctx, scope)).filter((k) => k.open);
    for (const key of open) {
      if (ctx.platform === 'win32') await change.restrictKeyAcl(key.path);
      else await change.chmod(key.path, PRIVATE_MODE);
    }
    const what = open.length === 1 ? open[0]!.path : `${open.length} keys`;
    return { message: ctx.platform === 'win32' ? `Made ${what} usable only by you (its access list).` : `Made ${what} readable only by you (mode ${octal(PRIVATE_MODE)}).` };
  },

  async verify(ctx, scope) {
    const still = (await keyFiles(ctx, scope)).filter((k) => k.open);
    if (still.length) return { ok: false, detail: `Still too open: ${still.map((k) => `${k.path} (${k.open})`).join(', ')}` };
    return { ok: true, detail: ctx.platform === 'win32' ? 'ssh will accept the key files (only you, SYSTEM and Administrators may use them).' : 'ssh will accept the key files (no group or other access).' };
  },
};
