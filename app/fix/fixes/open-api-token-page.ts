import { API_TOKEN_STATIC_USERNAME, LINKS, SCOPE_REPO_READ, SCOPE_REPO_WRITE } from '../../facts/bitbucket.js';
import { pageFix } from '../open-page.js';
import { loadRemote } from '../remote-target.js';

/** open.api-token-page: Atlassian's page that creates API tokens, and which scopes to tick there. */
export const openApiTokenPage = pageFix('open.api-token-page', async (ctx, scope) => {
  const remote = scope.repoRoot && scope.remoteName ? await loadRemote(ctx, scope) : null;
  if (remote?.ok && remote.target.bitbucket.kind === 'datacenter') {
    const host = remote.target.pushUrl.host ?? 'your Bitbucket server';
    return {
      url: null,
      manualSteps: [
        `Data Center makes its own tokens: on ${host}, open your profile picture, then Manage account, then HTTP access tokens.`,
        'Create a token with the permission Repository write, and copy it (it is shown only once).',
        'Save it with "Save a new Bitbucket API token" (credential.save-token) and your Data Center username.',
      ],
    };
  }
  return {
    url: LINKS.createApiToken,
    manualSteps: [
      'Sign in with your Atlassian account and choose "Create API token with scopes".',
      'Give it a name (for example "git on this computer") and an expiry date (at most one year).',
      `Choose Bitbucket, then tick the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE} (write does not include read).`,
      'Create the token and copy it: Atlassian shows it only once.',
      `Save it with "Save a new Bitbucket API token" (credential.save-token), with your Bitbucket username (not your email) or ${API_TOKEN_STATIC_USERNAME}.`,
    ],
    details: [`How API tokens work with git: ${LINKS.apiTokensDoc}`],
  };
});
