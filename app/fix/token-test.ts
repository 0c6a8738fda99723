import type { EngineContext } from '../context.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { SCOPE_REPO_READ, SCOPE_REPO_WRITE } from '../facts/bitbucket.js';
import { describeOutcome } from '../https/findings.js';
import { testCredential } from '../https/probe.js';
import type { Secret } from '../secrets/secret.js';

/**
 * Tests a credential that is not saved yet with a real read and a push check against the remote,
 * the user's helpers switched off: null when Bitbucket accepts it for both, else why not (one
 * sentence, no secret).
 */
export async function credentialProblem(ctx: EngineContext, target: RemoteTarget, username: string, secret: Secret): Promise<string | null> {
  const probe = await testCredential(ctx, target, { username, secret });
  for (const result of [probe.read, probe.write]) {
    const o = result.outcome;
    if (o.kind === 'ok') continue;
    const what = result.kind === 'read' ? 'reading' : 'pushing';
    const scopes = o.kind === 'missing-scope' ? `; create a token with both ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}` : '';
    return `Bitbucket did not accept the token for ${what}: ${describeOutcome(o)}${o.status ? ` (HTTP ${o.status})` : ''}${scopes}`;
  }
  return null;
}
