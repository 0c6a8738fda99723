import type { EngineContext } from '../context.js';
import type { SshVerifyResult } from '../contract/fixes.js';
import { needsTrust } from '../repo/repo-commands.js';
import { recognizeBitbucket } from '../repo/bitbucket-host.js';
import { readRemotes } from '../repo/repository.js';
import { parseRemoteUrl } from '../repo/url.js';
import { inspectSshEndpoint } from './endpoint.js';
import { openProbeSession, probeAuth } from './probe.js';

/**
 * The guide's "verify with ssh -T" step: logs in through git's ssh command for the remote's push
 * URL (Data Center: `whoami`) and returns Bitbucket's greeting or the line that says why not.
 */
export async function verifySsh(ctx: EngineContext, repoRoot: string, remoteName: string): Promise<SshVerifyResult> {
  const snapshot = await readRemotes(ctx, repoRoot);
  const remote = snapshot.remotes.find((r) => r.name === remoteName);
  if (!remote) return { ok: false, host: '', message: `This repository has no remote named "${remoteName}".`, evidence: [] };
  const raw = remote.resolvedPushUrls[0] ?? remote.url;
  const parsed = parseRemoteUrl(raw, ctx.platform);
  if (!parsed.ok || parsed.url.protocol !== 'ssh' || !parsed.url.host) {
    const display = parsed.ok ? parsed.url.display : parsed.display;
    return { ok: false, host: parsed.ok ? (parsed.url.host ?? '') : '', message: `The remote "${remoteName}" does not push over SSH (${display}).`, evidence: [] };
  }
  const endpoint = await inspectSshEndpoint(ctx, repoRoot, parsed.url);
  if (endpoint.blockedBy) return { ok: false, host: endpoint.hostname, message: `Not tested: ${needsTrust([endpoint.blockedBy])}.`, evidence: endpoint.evidence };
  if (endpoint.commandError) return { ok: false, host: endpoint.hostname, message: `git cannot start its ssh command: ${endpoint.commandError}`, evidence: endpoint.evidence };
  if (endpoint.commandHangs) return { ok: false, host: endpoint.hostname, message: `the ssh command did not finish reading its configuration: ${endpoint.commandHangs}`, evidence: endpoint.evidence };
  const whoami = recognizeBitbucket(parsed.url, ctx.bitbucketHosts, endpoint.hostname, endpoint.port).kind === 'datacenter';
  const session = await openProbeSession(ctx, endpoint);
  try {
    const probe = await probeAuth(ctx, endpoint, session, { whoami });
    const { outcome } = probe;
    const message = outcome.kind === 'ok' ? outcome.line : [outcome.line, outcome.reason].filter((v, i, all) => v && all.indexOf(v) === i).join(': ');
    return {
      ok: outcome.kind === 'ok',
      host: endpoint.hostname,
      message: ctx.secrets.redact(message || `ssh exited with code ${probe.result.exitCode ?? 'none'}`),
      evidence: [...endpoint.evidence, ctx.secrets.redact(`ran: ${probe.display}`), `exit code ${probe.result.exitCode ?? 'none'}`],
    };
  } finally {
    await session.dispose();
  }
}
