import { CLOUD_WEB_HOST, cloudRepoUrl, dataCenterRepoUrl } from '../../facts/bitbucket.js';
import { parseRemoteUrl } from '../../repo/url.js';
import { dataCenterWeb } from '../../repo/url-edit.js';
import { pageFix } from '../open-page.js';
import { loadRemote } from '../remote-target.js';

const CHECKS = [
  'Compare the workspace (or project) and repository name with the URL under the Clone button.',
  "Check that your account may push: Repository settings, then Repository permissions (an admin can give you Write).",
];

/** open.repository-page: the repository's page on Bitbucket (Cloud or Data Center), to check its address and the access. */
export const openRepositoryPage = pageFix('open.repository-page', async (ctx, scope) => {
  const remote = scope.repoRoot && scope.remoteName ? await loadRemote(ctx, scope) : null;
  if (!remote?.ok) {
    return {
      url: `https://${CLOUD_WEB_HOST}/`,
      manualSteps: ['Open the repository on Bitbucket and choose Clone; copy its URL.', 'Set it: git remote add origin URL (or git remote set-url origin URL when origin exists).'],
    };
  }
  const { target } = remote;
  const { kind, owner, slug } = target.bitbucket;
  if (kind === 'cloud' && owner && slug) return { url: cloudRepoUrl(owner, slug), manualSteps: CHECKS };
  if (kind === 'datacenter') {
    const { remote: info } = target;
    for (const raw of [info.url, ...info.pushUrls, info.resolvedFetchUrl, ...info.resolvedPushUrls]) {
      const url = parseRemoteUrl(raw);
      const web = url.ok ? dataCenterWeb(url.url) : null;
      if (web) return { url: dataCenterRepoUrl(web.origin, web.contextPath, web.project, web.slug), manualSteps: CHECKS };
    }
    return { url: null, manualSteps: [`Open ${target.pushUrl.host ?? 'your Bitbucket server'} in your browser and find the project ${owner ?? ''} and repository ${slug ?? ''}.`, ...CHECKS] };
  }
  return { reason: `${target.remote.name} does not point at Bitbucket.` };
});
