import { API_TOKEN_STATIC_USERNAME } from '../../facts/bitbucket.js';
import { setUsername } from '../../repo/url-edit.js';
import { remoteUrlFix } from '../remote-url-fix.js';

/**
 * remote.use-token-username: the user name in the remote's HTTPS URLs becomes Bitbucket Cloud's
 * fixed name for API tokens, so an email (or a stale name) in the URL stops deciding which saved
 * credential git sends.
 */
export const useTokenUsername = remoteUrlFix({
  id: 'remote.use-token-username',
  scope: { roles: 'all', written: true },
  transform: (_ctx, remote) =>
    remote.target.bitbucket.kind === 'cloud'
      ? setUsername(API_TOKEN_STATIC_USERNAME)
      : { reason: `${API_TOKEN_STATIC_USERNAME} is Bitbucket Cloud's; on Data Center put your own username in the URL (remote.set-username).` },
  nothingToDo: (remote) => `${remote.target.remote.name} has no HTTPS URL.`,
  done: (remote) => `${remote.target.remote.name} already uses ${API_TOKEN_STATIC_USERNAME}`,
  details: () => [`git then sends the token saved for ${API_TOKEN_STATIC_USERNAME}: save your API token with that username (credential.save-token) if you have not.`],
  applied: (remote) => `${remote.target.remote.name} now uses the username ${API_TOKEN_STATIC_USERNAME}`,
});
