import type { RemoteSummary } from '../contract/channels.js';
import { CLOUD_SSH_HOST } from '../facts/bitbucket.js';
import { parseRemoteUrl } from './url.js';

/**
 * What the guide is told about one remote: its URL as it may be shown, and the decisions the guide
 * makes by that URL, taken here with the real URL parser. Pure: `redact` masks this run's secrets.
 */
export function summarizeRemote(name: string, raw: string, platform: NodeJS.Platform, redact: (text: string) => string): RemoteSummary {
  const parsed = parseRemoteUrl(raw, platform);
  const url = parsed.ok ? parsed.url : null;
  const http = url?.protocol === 'https' || url?.protocol === 'http';
  const username = http ? url?.username : null;
  return {
    name,
    url: redact(parsed.ok ? parsed.url.display : parsed.display),
    switchFix: http ? 'remote.use-ssh' : 'remote.use-ssh-host',
    onCloudSshHost: url?.protocol === 'ssh' && url.host === CLOUD_SSH_HOST,
    // The token form wants the Bitbucket username: an email there is a mistake to fix, not a value to offer.
    tokenUsername: username && !username.includes('@') ? redact(username) : null,
  };
}
