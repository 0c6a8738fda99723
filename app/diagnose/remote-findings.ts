import type { Finding } from '../contract/report.js';
import type { RemoteInfo } from '../repo/repository.js';
import { looksLikeEmail, parseRemoteUrl, type RemoteUrl } from '../repo/url.js';
import type { SecretRegistry } from '../secrets/registry.js';
import { finding } from './catalogue.js';
import type { RemoteTarget } from './target.js';

/** Every URL a remote is configured with, parsed: url, pushurls, and where they really resolve to. */
export interface ParsedRemote {
  remote: RemoteInfo;
  configured: Array<{ raw: string; url: RemoteUrl | null; reason: string | null }>;
  fetch: RemoteUrl | null;
  push: RemoteUrl | null;
}

export function parseRemote(remote: RemoteInfo, secrets: SecretRegistry, platform: NodeJS.Platform): ParsedRemote {
  const parse = (raw: string) => {
    const result = parseRemoteUrl(raw, platform);
    if (!result.ok) return { raw: result.display, url: null, reason: result.reason };
    if (result.url.password) secrets.add(result.url.password);
    return { raw: result.url.display, url: result.url, reason: null };
  };
  const configured = [remote.url, ...remote.pushUrls].map(parse);
  const fetch = parse(remote.resolvedFetchUrl).url;
  const push = parse(remote.resolvedPushUrls[0] ?? remote.url).url;
  return { remote, configured, fetch, push };
}

/** Findings that follow from the configured URLs alone, before anything touches the network. Pure. */
export function urlFindings(parsed: ParsedRemote, target: RemoteTarget | null, now: Date): Finding[] {
  const name = parsed.remote.name;
  const findings: Finding[] = [];
  const invalid = parsed.configured.find((c) => c.url === null);
  if (invalid || !parsed.push) {
    findings.push(
      finding('remote.invalid-url', {
        remote: name,
        evidence: [`remote.${name}.url = ${invalid?.raw ?? parsed.remote.url}`],
        params: { url: invalid?.raw ?? '', reason: invalid?.reason ?? 'it does not resolve to a URL' },
      }),
    );
    return findings;
  }
  if (!target) return findings;

  if (target.bitbucket.kind === 'other') {
    findings.push(finding('remote.not-bitbucket', { remote: name, evidence: [`${name} → ${target.pushUrl.display}`], params: { host: target.pushUrl.host ?? target.pushUrl.display } }));
    return findings;
  }

  const urls = [...parsed.configured.map((c) => c.url!), target.pushUrl];
  const withPassword = urls.find((u) => u.password);
  if (withPassword?.password) {
    findings.push(
      finding('remote.secret-in-url', {
        remote: name,
        evidence: [`${name} → ${withPassword.display}`],
        params: { masked: withPassword.password.masked },
      }),
    );
  }
  const emailUser = urls.find((u) => (u.protocol === 'https' || u.protocol === 'http') && u.username && looksLikeEmail(u.username));
  if (emailUser?.username) {
    findings.push(
      finding('remote.username-is-email', {
        remote: name,
        evidence: [`${name} → ${emailUser.display}`],
        params: { username: emailUser.username },
      }),
    );
  }
  if (target.bitbucket.legacySshHost) {
    findings.push(finding('remote.legacy-ssh-host', { remote: name, evidence: [`${name} → ${target.pushUrl.display}`], params: { now } }));
  }
  return findings;
}
