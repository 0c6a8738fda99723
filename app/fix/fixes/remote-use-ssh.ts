import { DC_DEFAULT_SSH_PORT } from '../../facts/bitbucket.js';
import { useSsh } from '../../repo/url-edit.js';
import { remoteUrlFix } from '../remote-url-fix.js';

/** remote.use-ssh: the URLs push uses switch from HTTPS to Bitbucket's SSH address. */
export const useSshFix = remoteUrlFix({
  id: 'remote.use-ssh',
  scope: { roles: 'push', written: false },
  transform: (ctx) => useSsh(ctx.bitbucketHosts),
  nothingToDo: (remote) => `${remote.target.remote.name} does not push over HTTPS.`,
  done: (remote) => `${remote.target.remote.name} already pushes over SSH`,
  details: (_ctx, remote) => [
    'SSH needs a key that Bitbucket knows: without one, create it (ssh.generate-key) and add it in Bitbucket (open.ssh-keys-page).',
    ...(remote.target.bitbucket.kind === 'datacenter'
      ? [`Data Center's SSH port is ${DC_DEFAULT_SSH_PORT} unless your administrator changed it: compare with the SSH URL of the repository's Clone button.`]
      : []),
  ],
  applied: (remote) => `${remote.target.remote.name} now pushes over SSH`,
});
