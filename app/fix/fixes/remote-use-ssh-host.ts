import { CLOUD_LEGACY_SSH_HOST, CLOUD_SSH_HOST } from '../../facts/bitbucket.js';
import { useSshHost } from '../../repo/url-edit.js';
import { remoteUrlFix } from '../remote-url-fix.js';

/** remote.use-ssh-host: SSH URLs on bitbucket.org move to ssh.bitbucket.org (fetch and push: the old host serves neither). */
export const useSshHostFix = remoteUrlFix({
  id: 'remote.use-ssh-host',
  scope: { roles: 'all', written: false },
  transform: () => useSshHost,
  nothingToDo: ({ target }) =>
    target.bitbucket.legacySshHost
      ? `ssh reaches ${CLOUD_LEGACY_SSH_HOST} through the host "${target.pushUrl.host ?? ''}" of your ssh config: change its HostName to ${CLOUD_SSH_HOST} there.`
      : `${target.remote.name} does not use SSH on ${CLOUD_LEGACY_SSH_HOST}.`,
  done: (remote) => `${remote.target.remote.name} already uses ${CLOUD_SSH_HOST}`,
  details: () => [`Your SSH key stays the same. ssh checks host keys by name: if known_hosts has none for ${CLOUD_SSH_HOST} yet, trust Bitbucket's published keys (ssh.trust-host-keys).`],
  applied: (remote) => `${remote.target.remote.name} now uses ${CLOUD_SSH_HOST}`,
});
