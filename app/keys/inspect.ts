import type { EngineContext } from '../context.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import type { Secret } from '../secrets/secret.js';
import { revealSecret } from '../secrets/secret.js';

/**
 * Loads a private key with the real `ssh-keygen -y` and returns the public key it derives (type
 * and blob), or the reason ssh could not load it ("bad permissions", "incorrect passphrase").
 * With no terminal and stdin not a tty, ssh-keygen reads the passphrase from stdin: never argv.
 */
export async function derivePublicKey(ctx: EngineContext, privateKeyPath: string, passphrase: Secret | null): Promise<{ ok: true; publicKey: string } | { ok: false; reason: string }> {
  const result = await run('ssh-keygen', ['-y', '-f', privateKeyPath], {
    env: nonInteractiveEnv(ctx.env),
    timeoutMs: ctx.timeoutMs,
    input: `${passphrase ? revealSecret(passphrase) : ''}\n`,
  });
  if (result.exitCode === 0) return { ok: true, publicKey: result.stdout.trim().split(/\s+/).slice(0, 2).join(' ') };
  // The prompt has no line end: the error follows it on the same line ("Enter passphrase: Load key ...").
  const lines = result.stderr.split('\n').map((l) => l.replace(/^(Enter passphrase[^:]*: )+/, '').trim());
  const reason = result.spawnError ?? (lines.filter((l) => l && !l.startsWith('@')).pop() || `exit ${result.exitCode}`);
  return { ok: false, reason: ctx.secrets.redact(reason) };
}
