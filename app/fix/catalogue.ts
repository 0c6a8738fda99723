import type { FixId, FixRef } from '../contract/report.js';
import { API_TOKEN_STATIC_USERNAME, CLOUD_SSH_HOST } from '../facts/bitbucket.js';

interface FixEntry {
  title: string;
  needsInput: boolean;
}

/** The words for every fix, in one place: the CLI, the UI and the report all say the same thing. */
export const FIX_CATALOGUE: Record<FixId, FixEntry> = {
  'credential.clear': { title: 'Remove the old saved password for Bitbucket', needsInput: false },
  'credential.save-token': { title: 'Save a new Bitbucket API token (tested before it is saved)', needsInput: true },
  'credential.use-secure-helper': { title: "Store credentials in the system's secure keychain instead of a plain-text file", needsInput: false },
  'credential.gcm-skip-validation': { title: 'Stop Git Credential Manager from throwing away your saved API token (its check of it always fails)', needsInput: false },
  'credential.gcm-use-dpapi': { title: "Let Git Credential Manager keep Bitbucket's long sign-in tokens (DPAPI-encrypted files instead of the Windows Credential Manager)", needsInput: false },
  'remote.use-token-username': { title: `Use the username ${API_TOKEN_STATIC_USERNAME} in the remote URL`, needsInput: false },
  'remote.set-username': { title: 'Put your Bitbucket username (not your email) in the remote URL', needsInput: true },
  'remote.remove-secret': { title: 'Remove the password or token written into the remote URL', needsInput: false },
  'remote.use-ssh': { title: 'Switch this remote to SSH', needsInput: false },
  'remote.use-https': { title: 'Switch this remote to HTTPS', needsInput: false },
  'remote.use-ssh-host': { title: `Point the remote at ${CLOUD_SSH_HOST}`, needsInput: false },
  'ssh.generate-key': { title: 'Create a new SSH key (ed25519) for Bitbucket', needsInput: false },
  'ssh.fix-key-permissions': { title: 'Make the private key readable only by you (mode 600)', needsInput: false },
  'ssh.add-key-to-agent': { title: 'Unlock the key once and add it to the SSH agent', needsInput: true },
  'ssh.configure-host': { title: 'Tell ssh which key to use for Bitbucket (~/.ssh/config)', needsInput: false },
  'ssh.trust-host-keys': { title: "Trust Bitbucket's published host keys (and remove outdated ones)", needsInput: false },
  'ssh.use-windows-openssh': { title: "Let git use Windows' OpenSSH, which uses the OpenSSH Authentication Agent", needsInput: false },
  'ssh.add-key-to-account': { title: 'Add this SSH key to your linked Bitbucket account', needsInput: false },
  'open.api-token-page': { title: 'Open the page that creates an API token (scopes: read and write repository)', needsInput: false },
  'open.ssh-keys-page': { title: "Open Bitbucket's SSH keys settings to add your public key", needsInput: false },
  'open.repository-page': { title: 'Open the repository on Bitbucket to check its address and your access', needsInput: false },
};

export function fixRef(id: FixId): FixRef {
  const entry = FIX_CATALOGUE[id];
  return { id, title: entry.title, needsInput: entry.needsInput };
}
