import type { EngineContext } from '../../context.js';
import { sameSecret } from '../../credentials/classify.js';
import { fillCredential } from '../../credentials/fill.js';
import { removeSecret } from '../../repo/url-edit.js';
import type { Secret } from '../../secrets/secret.js';
import { credentialSite, saveCredential } from '../credential-holders.js';
import type { ChangeRecorder } from '../change-recorder.js';
import type { LoadedRemote } from '../remote-target.js';
import { remoteUrlFix } from '../remote-url-fix.js';
import { helperLabel, isSecure } from '../secure-helper.js';
import { credentialProblem } from '../token-test.js';
import type { VerifyResult } from '../types.js';

type Loaded = Extract<LoadedRemote, { ok: true }>;

/**
 * Before the secret leaves the URL: when it still works and a system keychain helper is configured
 * for the push URL, it is saved there (in the same transaction), so pushing keeps working.
 */
async function keepWorkingToken(ctx: EngineContext, remote: Loaded, change: ChangeRecorder): Promise<{ message: string; verify?: () => Promise<VerifyResult> }> {
  const { target } = remote;
  const secret = target.pushUrl.password;
  const username = target.pushUrl.username;
  if (!secret) return { message: '' };
  if (!username) return { message: ' The token was written where the username goes; save it properly with credential.save-token.' };
  const site = await credentialSite(ctx, target);
  const secure = site.helpers.helpers.filter(isSecure);
  if (!secure.length) return { message: ' No system keychain helper is configured to keep it: run credential.use-secure-helper, then credential.save-token.' };
  const problem = await credentialProblem(ctx, target, username, secret);
  if (problem) return { message: ` It was not kept (${problem.charAt(0).toLowerCase()}${problem.slice(1)}): save a new token with credential.save-token.` };
  await saveCredential(ctx, change, site, secure, username, secret);
  return {
    message: ` It still works, so it was saved in ${secure.map((h) => helperLabel(h.value)).join(' and ')} first: pushing keeps working.`,
    verify: () => fillReturns(ctx, remote, username, secret),
  };
}

/** After the URL lost the secret, git must find it in the keychain. */
async function fillReturns(ctx: EngineContext, remote: Loaded, username: string, secret: Secret): Promise<VerifyResult> {
  const site = await credentialSite(ctx, remote.target);
  const now = (await fillCredential(ctx, site.repoRoot, site.url)).credential;
  const ok = now !== null && now.username === username && sameSecret(now.secret, secret);
  return ok ? { ok: true, detail: 'git credential fill returns the token from the keychain' } : { ok: false, detail: 'git credential fill does not return the saved token' };
}

/** remote.remove-secret: takes the password or token out of every URL of the remote (and out of the rewrite rules that add one). */
export const removeSecretFix = remoteUrlFix({
  id: 'remote.remove-secret',
  scope: { roles: 'all', written: true },
  transform: () => removeSecret,
  nothingToDo: (remote) => `No password or token is written in the URLs of ${remote.target.remote.name}.`,
  done: (remote) => `No password or token is written in the URLs of ${remote.target.remote.name}`,
  details: () => [
    'If the token still works and a system keychain helper is configured, it is tested and saved there first, so pushing keeps working.',
    'Otherwise save a new API token afterwards with credential.save-token.',
  ],
  before: keepWorkingToken,
  applied: (remote) => `Removed the password or token from the URLs of ${remote.target.remote.name}`,
});
