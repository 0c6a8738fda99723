import type { EngineContext } from '../context.js';
import { nonInteractiveEnv, sharedWithWindows } from '../exec/env.js';
import { gitRuntime, planCommandLine, runPlanned } from '../exec/git-runtime.js';
import { GCM_FACTS } from '../facts/bitbucket.js';
import type { Secret} from '../secrets/secret.js';
import { revealSecret } from '../secrets/secret.js';

/** Which saved credential: the attributes git's credential protocol matches on. */
export interface CredentialKey {
  protocol: string;
  host: string;
  path?: string;
  username: string;
}

/** A lookup may leave the username out: the helper then answers with the first entry for the host. */
export type CredentialQuery = Omit<CredentialKey, 'username'> & { username?: string };

/**
 * Talks to ONE credential helper, as git itself does (`git credential-<name> get|store|erase`, or
 * the `!command` form through git's shell, see exec/git-runtime), so that undo puts back exactly
 * what one helper held and no other configured helper sees the secret. The secret travels on stdin only.
 */
export async function helperCall(
  ctx: EngineContext,
  helper: string,
  action: 'get' | 'store' | 'erase',
  key: CredentialQuery,
  password: Secret | null = null,
  cwd?: string,
): Promise<{ ok: boolean; password: Secret | null; username: string | null; error: string }> {
  const lines = [`protocol=${key.protocol}`, `host=${key.host}`];
  if (key.path) lines.push(`path=${key.path}`);
  if (key.username !== undefined) lines.push(`username=${key.username}`);
  if (password) lines.push(`password=${revealSecret(password)}`);
  const runtime = await gitRuntime(ctx);
  // git appends the action to the command line and runs it with use_shell (credential.c).
  const planned = await planCommandLine(runtime, `${helperCommand(helper)} ${action}`);
  const result = await runPlanned(runtime, planned, {
    env: oneHelperEnv(ctx.env),
    cwd: cwd ?? ctx.homeDir,
    timeoutMs: ctx.timeoutMs,
    input: `${lines.join('\n')}\n\n`,
  });
  const got = /^password=(.*)$/m.exec(result.stdout)?.[1];
  const found = action === 'get' && got !== undefined ? ctx.secrets.wrap(got) : null;
  const username = action === 'get' ? (/^username=(.*)$/m.exec(result.stdout)?.[1] ?? null) : null;
  return { ok: result.exitCode === 0, password: found, username, error: ctx.secrets.redactOpaque(result.stderr.trim() || result.spawnError || '') };
}

/**
 * Asked directly, Git Credential Manager answers with what it holds, without first checking it
 * against Bitbucket's REST API: that check throws a working API token away (GCM issue 1991) and
 * makes a network call on every lookup. (From WSL, WSLENV must share the variable.)
 */
function oneHelperEnv(userEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = nonInteractiveEnv(userEnv);
  const name = GCM_FACTS.validateStoredCredentialsEnv;
  return { ...env, [name]: 'false', ...(env.WSLENV !== undefined ? { WSLENV: sharedWithWindows(env.WSLENV, name) } : {}) };
}

/** The shell command git runs for a credential.helper value (gitcredentials(7) "Custom helpers"). */
export function helperCommand(helper: string): string {
  if (helper.startsWith('!')) return helper.slice(1);
  const first = helper.split(/\s+/, 1)[0] ?? '';
  if (first.startsWith('/') || /^[A-Za-z]:[\\/]/.test(first)) return helper;
  return `git credential-${helper}`;
}
