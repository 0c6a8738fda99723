import { stat } from 'node:fs/promises';
import { CLOUD_SSH_HOST, LINKS, SSH_USER } from '../../facts/bitbucket.js';
import { pageFix } from '../open-page.js';
import { loadRemote } from '../remote-target.js';

/** open.ssh-keys-page: Bitbucket's SSH keys settings, and how to add the public key there. */
export const openSshKeysPage = pageFix('open.ssh-keys-page', async (ctx, scope) => {
  const publicKeys: string[] = [];
  for (const key of scope.keyPaths ?? []) if (await stat(`${key}.pub`).then(() => true, () => false)) publicKeys.push(`${key}.pub`);
  const which = publicKeys.length ? `the whole line of ${publicKeys[0]}` : 'the whole line of your public key file (…/.ssh/id_ed25519.pub; ssh.generate-key shows it)';
  const remote = scope.repoRoot && scope.remoteName ? await loadRemote(ctx, scope) : null;
  if (remote?.ok && remote.target.bitbucket.kind === 'datacenter') {
    const host = remote.target.pushUrl.host ?? 'your Bitbucket server';
    return {
      url: null,
      manualSteps: [`On ${host}, open your profile picture, then Manage account, then SSH keys, and choose Add key.`, `Paste ${which}.`, 'Give it a label you will recognise (for example user@this-computer) and save it.'],
    };
  }
  return {
    url: LINKS.sshKeys,
    manualSteps: [
      'Choose "Add key".',
      'Give it a label you will recognise (for example user@this-computer).',
      `Paste ${which}, starting with ssh-ed25519, and choose "Add key".`,
      `Check it: ssh -T ${SSH_USER}@${CLOUD_SSH_HOST} answers "authenticated via ssh key".`,
    ],
  };
});
