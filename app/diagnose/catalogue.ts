import { formatDay } from '../contract/dates.js';
import type { Finding, FindingCode, FixId, Severity } from '../contract/report.js';
import {
  GCM_FACTS,
  ACCOUNT_PASSWORDS_STOPPED_DATE,
  API_TOKEN_STATIC_USERNAME,
  ACCESS_TOKEN_USERNAME,
  APP_PASSWORDS_REMOVED_DATE,
  CLOUD_SSH_HOST,
  CLOUD_SSH_HOST_MOVE_DATE,
  HOST_KEY_ROTATION_DATE,
  LINKS,
  SCOPE_REPO_READ,
  SCOPE_REPO_WRITE,
  SCOPES_FOR_SSH_KEYS,
  SCOPE_USER_READ,
  SSH_USER,
} from '../facts/bitbucket.js';
import { fixRef } from '../fix/catalogue.js';

/** Values a finding's words may mention. Never a secret: at most its masked form. */
export interface FindingParams {
  host?: string;
  url?: string;
  username?: string;
  helper?: string;
  file?: string;
  masked?: string;
  timeoutSeconds?: number;
  reason?: string;
  /** The SSH client git runs, when it is not OpenSSH: PuTTY keeps its own host key cache. */
  client?: 'putty';
  /** A git version, "2.25", and the oldest supported one. */
  version?: string;
  minimum?: string;
  keyPath?: string;
  mode?: string;
  command?: string;
  /** An SSH agent by name ("the OpenSSH Authentication Agent", "Pageant"), and the ssh build git runs. */
  agent?: string;
  ssh?: string;
  now?: Date;
  /** "SHA256:..." of an SSH key. */
  fingerprint?: string;
  /** The Bitbucket username of the linked account (or of a token's owner). */
  account?: string;
  /** Scopes named in the words ("read:ssh-key:bitbucket, write:ssh-key:bitbucket"). */
  scopes?: string;
}

interface CatalogueEntry {
  severity: Severity;
  title(p: FindingParams): string;
  detail(p: FindingParams): string;
  /** Alternatives, the recommended one first. */
  fixes: FixId[];
}

const host = (p: FindingParams) => p.host ?? 'Bitbucket';
const afterDate = (p: FindingParams, iso: string) => (p.now ?? new Date()).toISOString().slice(0, 10) >= iso;

/**
 * The words for every finding, keyed by code, so the CLI, the UI and the report say the same thing.
 * Titles are one plain sentence; details name the actual cause and the way out.
 */
export const FINDING_CATALOGUE: Record<FindingCode, CatalogueEntry> = {
  'git.missing': {
    severity: 'error',
    // A reason that is a whole sentence (Apple's git stand-in without the developer tools) says what to do itself.
    title: (p) => (p.reason && /[.!?]$/.test(p.reason) ? `git cannot be run: ${p.reason}` : 'git cannot be run: it is not installed, or not on the PATH Push Doctor runs with.'),
    detail: (p) =>
      p.reason && /[.!?]$/.test(p.reason)
        ? 'Every check runs your own git, as your push does.'
        : `Every check runs your own git, as your push does${p.reason ? ` (starting it failed: ${p.reason})` : ''}. Install git (https://git-scm.com/downloads), or add the folder that holds it to the PATH, then run the checks again.`,
    fixes: [],
  },
  'git.no-answer': {
    severity: 'error',
    title: (p) => `git did not answer "git --version": ${p.reason ?? 'no answer'}.`,
    detail: () =>
      'Every check runs your own git, and a git that hangs before printing its version hangs every push too: a wrapper script waiting for input, a security scanner holding it, or a network folder on the PATH. Run "git --version" in a terminal to see what it waits for.',
    fixes: [],
  },
  'git.too-old': {
    severity: 'error',
    title: (p) => `git ${p.version ?? ''} is older than the oldest supported (${p.minimum ?? ''}): update git.`,
    detail: (p) =>
      `Push Doctor runs your own git to see what your push does, and uses commands that git ${p.minimum ?? ''} added; with an older git the checks would give a wrong answer instead of failing. Install a current git (your package manager, or https://git-scm.com/downloads), then run the checks again.`,
    fixes: [],
  },
  'remote.none': {
    severity: 'error',
    title: () => 'This repository has no remote to push to.',
    detail: () => 'git push needs a remote. Add the Bitbucket repository with: git remote add origin <URL from Bitbucket\'s "Clone" button>.',
    fixes: ['open.repository-page'],
  },
  'remote.invalid-url': {
    severity: 'error',
    title: (p) => `The remote URL "${p.url ?? ''}" is not a URL git can use.`,
    detail: (p) => `git cannot parse this address${p.reason ? ` (${p.reason})` : ''}. Copy the URL again from the repository's "Clone" button on Bitbucket and set it with git remote set-url.`,
    fixes: ['open.repository-page'],
  },
  'remote.not-bitbucket': {
    severity: 'info',
    title: (p) => `This remote points at ${host(p)}, which is not Bitbucket.`,
    detail: () => 'Push Doctor only checks Bitbucket remotes. If this is a Bitbucket Data Center server, run again with --bitbucket-host HOST.',
    fixes: [],
  },
  'remote.username-is-email': {
    severity: 'error',
    title: (p) => `The remote URL logs in as "${p.username ?? ''}", an email address, which Bitbucket rejects for git.`,
    detail: () => `Git over HTTPS needs your Bitbucket username (shown in Bitbucket's personal settings) or the fixed username ${API_TOKEN_STATIC_USERNAME}, together with an API token. Your Atlassian email only works for the REST API, not for git.`,
    fixes: ['remote.use-token-username', 'remote.set-username'],
  },
  'remote.secret-in-url': {
    severity: 'warning',
    title: (p) => `A password or token (${p.masked ?? 'hidden'}) is written into the remote URL.`,
    detail: () => 'Anyone who can read this repository\'s .git/config, or your shell history, can read it, and git sends it even when it is out of date. Keep the token in a credential helper instead.',
    fixes: ['remote.remove-secret'],
  },
  'remote.legacy-ssh-host': {
    severity: 'error',
    title: (p) =>
      afterDate(p, CLOUD_SSH_HOST_MOVE_DATE)
        ? `The remote uses SSH on bitbucket.org, which stopped serving SSH on ${formatDay(CLOUD_SSH_HOST_MOVE_DATE)}.`
        : `The remote uses SSH on bitbucket.org, which stops serving SSH on ${formatDay(CLOUD_SSH_HOST_MOVE_DATE)}.`,
    detail: () => `Bitbucket moved git over SSH to ${CLOUD_SSH_HOST}. Change git@bitbucket.org:WORKSPACE/REPO.git to git@${CLOUD_SSH_HOST}:WORKSPACE/REPO.git; your key and HTTPS are not affected.`,
    fixes: ['remote.use-ssh-host'],
  },
  'repo.commands-not-run': {
    severity: 'warning',
    title: () => "Push Doctor did not run the commands this repository's own settings name.",
    detail: () =>
      "They are written in this repository's git config, not in yours, and git would run them with your permissions: a folder from an archive or a colleague can name any program there. The checks that need them were skipped. Let them run only if you know where the repository comes from: trust it in Push Doctor, or run push-doctor without --no-repo-commands.",
    fixes: [],
  },
  'https.no-helper': {
    severity: 'warning',
    title: () => 'No credential helper is configured, so git cannot remember your token.',
    detail: () => 'Without a helper git asks for the username and token on every push, and apps that cannot prompt simply fail. Use the secure keychain helper for your system.',
    fixes: ['credential.use-secure-helper', 'credential.save-token'],
  },
  'https.helper-missing': {
    severity: 'error',
    title: (p) => `The credential helper "${p.helper ?? ''}" is configured but cannot be run.`,
    detail: (p) => `git tries to run it on every push and silently gets nothing back${p.file ? ` (configured in ${p.file})` : ''}. Install it, or switch to a helper that exists on this computer.`,
    fixes: ['credential.use-secure-helper'],
  },
  'https.helper-failed': {
    severity: 'error',
    title: (p) => `git got no credential from the helper${p.helper ? ` "${p.helper}"` : ''}: ${p.reason ?? 'it failed'}.`,
    detail: () =>
      'git asks every helper before it pushes, so a helper that hangs (a keychain waiting for a dialog nobody sees) or prints something else than a credential (a broken script) makes the push hang or go without the saved credential. Make sure the helper runs on its own, or let the system keychain keep the credential instead.',
    fixes: ['credential.use-secure-helper'],
  },
  'https.plaintext-store': {
    severity: 'warning',
    title: (p) => `Your Bitbucket password or token is saved in plain text${p.file ? ` in ${p.file}` : ''}.`,
    detail: () => 'The "store" helper writes credentials unencrypted to disk. Any program running as you can read them. The system keychain keeps them encrypted.',
    fixes: ['credential.use-secure-helper'],
  },
  'https.no-cached-credential': {
    severity: 'warning',
    title: (p) => `No saved credential for ${host(p)} was found.`,
    detail: () => `git will have to ask for a username and token. Create an API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}, then save it.`,
    fixes: ['credential.save-token', 'open.api-token-page', 'remote.use-ssh'],
  },
  'https.app-password': {
    severity: 'error',
    title: (p) =>
      `Your computer is still sending an app password (${p.masked ?? 'ATBB…'}). Bitbucket removed app passwords on ${formatDay(APP_PASSWORDS_REMOVED_DATE)}.`,
    detail: () =>
      `Bitbucket answers app passwords with HTTP 410 "App passwords are deprecated", and git does not delete them by itself, so every push keeps failing. Remove the saved app password, create an API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}, and save that instead.`,
    fixes: ['credential.clear', 'credential.save-token', 'open.api-token-page', 'remote.use-ssh'],
  },
  'https.account-password': {
    severity: 'error',
    title: () => 'The saved secret looks like your account password, which Bitbucket has not accepted for git since 2022.',
    detail: () =>
      `Bitbucket stopped accepting Atlassian account passwords for git on ${formatDay(ACCOUNT_PASSWORDS_STOPPED_DATE)}. Remove it and use an API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}.`,
    fixes: ['credential.clear', 'credential.save-token', 'open.api-token-page'],
  },
  'https.cached-username-is-email': {
    severity: 'error',
    title: (p) => `The saved credential uses your email "${p.username ?? ''}" as the username; git over HTTPS needs your Bitbucket username.`,
    detail: () =>
      `Bitbucket accepts an API token for git only with your Bitbucket username or with the fixed username ${API_TOKEN_STATIC_USERNAME}. The email works only for the REST API. Save the token again with the right username.`,
    fixes: ['credential.save-token', 'credential.clear'],
  },
  'https.access-token-username': {
    severity: 'error',
    title: (p) => `An access token is saved with the username "${p.username ?? ''}"; access tokens need the username ${ACCESS_TOKEN_USERNAME}.`,
    detail: () =>
      `Repository, project and workspace access tokens (ATCT…) are not tied to a person, so git must send them with the username ${ACCESS_TOKEN_USERNAME}.`,
    fixes: ['credential.save-token', 'credential.clear'],
  },
  'https.gcm-revalidation': {
    severity: 'error',
    title: () => 'Git Credential Manager throws your saved Bitbucket API token away before each push, so git asks for it again every time.',
    detail: () =>
      `GCM checks saved Bitbucket credentials against Bitbucket's REST API with your git username, but the REST API accepts an API token only with your Atlassian email, so the check fails and GCM discards a token that works for git (GCM issue 1991). Setting credential.${GCM_FACTS.validateStoredCredentials} to false for this site stops the check; the token stays where it is.`,
    fixes: ['credential.gcm-skip-validation', 'credential.save-token'],
  },
  'https.gcm-store-limit': {
    severity: 'error',
    title: () => "Git Credential Manager cannot save Bitbucket's sign-in: the token is longer than the Windows Credential Manager can hold.",
    detail: () =>
      `Bitbucket's new OAuth tokens are longer than the ${GCM_FACTS.windowsCredentialLimitBytes.toLocaleString('en-US')} bytes the Windows Credential Manager allows, so GCM fails with "${GCM_FACTS.storeWriteFailed} [${GCM_FACTS.storeWriteFailedCode}]" (GCM issue 2428). With ${GCM_FACTS.credentialStoreKey} set to ${GCM_FACTS.dpapiStore}, GCM keeps credentials in files encrypted for your Windows account instead (you sign in once more); an API token is short enough for either store.`,
    fixes: ['credential.gcm-use-dpapi', 'credential.save-token'],
  },
  'https.ssl-verify-off': {
    severity: 'warning',
    title: (p) => `git does not check the certificate of ${host(p)}${p.reason ? ` (${p.reason})` : ''}.`,
    detail: () =>
      'Anyone between you and Bitbucket (a public network, a compromised proxy) could pose as Bitbucket and read your token. Turn certificate checks back on; behind a company proxy that inspects HTTPS, point http.sslCAInfo at its certificate instead.',
    fixes: [],
  },
  'https.custom-ca': {
    severity: 'info',
    title: (p) => `git trusts its own certificate authority for ${host(p)}: ${p.file ?? ''}.`,
    detail: (p) =>
      `Set by ${p.reason ?? 'your git config'}. That is normal behind a company proxy that inspects HTTPS, or for a Data Center server with its own certificate; if git reports certificate errors for ${host(p)}, that file may be missing or outdated.`,
    fixes: [],
  },
  'https.proxy': {
    severity: 'info',
    title: (p) => `git reaches ${host(p)} through the proxy ${p.url ?? ''}.`,
    detail: (p) =>
      `Set by ${p.reason ?? 'your settings'}. If ${host(p)} cannot be reached, check that the proxy runs and lets ${host(p)} through; a proxy that wants its own login answers with HTTP 407.`,
    fixes: [],
  },
  'https.auth-rejected': {
    severity: 'error',
    title: (p) => `${host(p)} rejected the saved credential${p.username ? ` for "${p.username}"` : ''}.`,
    detail: () =>
      `The username or token is wrong, or the token expired (API tokens last at most a year). Remove it and save a new API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}.`,
    fixes: ['credential.clear', 'credential.save-token', 'open.api-token-page'],
  },
  'https.token-refused': {
    severity: 'error',
    title: (p) => `${host(p)} refused the API token${p.masked ? ` (${p.masked})` : ''}${p.username ? ` for "${p.username}"` : ''}.`,
    detail: (p) =>
      `${p.reason ? `${p.reason} ` : ''}Git answers such a token with "Authentication failed", even when Bitbucket adds "You may not have access to this repository": the repository is not the problem. Create a new API token with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE} and save it.`,
    fixes: ['credential.save-token', 'open.api-token-page', 'credential.clear'],
  },
  'https.token-username-mismatch': {
    severity: 'error',
    title: (p) => `The API token belongs to Bitbucket user "${p.account ?? ''}", but git sends it with the username "${p.username ?? ''}".`,
    detail: (p) =>
      `Bitbucket's API accepts the token, so the token is fine; git over HTTPS refuses it because the username does not match. Save it again with the username ${p.account ?? 'of its account'} or ${API_TOKEN_STATIC_USERNAME}.`,
    fixes: ['credential.save-token', 'remote.use-token-username'],
  },
  'https.missing-scope': {
    severity: 'error',
    title: () => 'The token works but is not allowed to push: it lacks a required scope.',
    detail: () =>
      `Bitbucket answered "Your credentials lack one or more required privilege scopes". Pushing needs both ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE} (write does not include read). Scopes cannot be added to an existing token: create a new one.`,
    fixes: ['credential.save-token', 'open.api-token-page'],
  },
  'https.basic-auth-disabled': {
    severity: 'error',
    title: (p) => `${host(p)} does not let git log in with a username and token: basic authentication is switched off on the server.`,
    detail: () =>
      'Bitbucket Data Center answers such logins with HTTP 403 "Basic Authentication has been disabled on this instance." (the default from Bitbucket 10). An admin can turn on "Allow basic authentication on API calls"; until then, push over SSH.',
    fixes: ['remote.use-ssh'],
  },
  'https.read-only': {
    severity: 'error',
    title: (p) => `You can read this repository but ${host(p)} refuses pushes from this account.`,
    detail: () => 'The credential works, but your account or token has no write permission on this repository. Ask a repository admin for write access, or use a token that has it.',
    fixes: ['open.repository-page', 'credential.save-token'],
  },
  'https.forbidden': {
    severity: 'error',
    title: (p) => `${host(p)} refuses this account access to the repository${p.reason ? `: ${p.reason}` : ''}.`,
    detail: () =>
      'A workspace rule blocks this account here: an IP allowlist, required two-step verification, or a repository permission. A workspace admin can see which rule applies and lift it for you.',
    fixes: ['open.repository-page'],
  },
  'https.repo-not-found': {
    severity: 'error',
    title: (p) => `${host(p)} says the repository does not exist, or this account cannot see it.`,
    detail: () =>
      'Check the workspace and repository names in the remote URL against the "Clone" button on Bitbucket. If they are right, the credential belongs to an account without access, or the username is wrong.',
    fixes: ['open.repository-page', 'credential.clear'],
  },
  'https.unreachable': {
    severity: 'error',
    title: (p) => `Could not reach ${host(p)} over HTTPS${p.reason ? `: ${p.reason}` : ''}.`,
    detail: () => 'This is a network problem, not a credential problem: check your connection, VPN, proxy (http.proxy) and certificate settings, then try again.',
    fixes: [],
  },
  'https.ok': {
    severity: 'info',
    title: (p) => `HTTPS push access to ${host(p)} works.`,
    detail: () => 'Bitbucket accepted the saved credential for reading and pushing.',
    fixes: [],
  },
  'ssh.command-not-found': {
    severity: 'error',
    title: (p) => `git is set to run "${p.command ?? 'ssh'}" for SSH, and it cannot be started.`,
    detail: () => 'Check GIT_SSH_COMMAND, GIT_SSH and core.sshCommand: they point to a program that does not exist on this computer.',
    fixes: [],
  },
  'ssh.config-invalid': {
    severity: 'error',
    title: () => 'ssh refuses to start because a line in your ssh config is wrong.',
    detail: (p) =>
      `${p.reason ? `ssh says: ${p.reason}. ` : ''}Every git command over SSH stops there. Correct or remove that line (ssh names the file and the line), then run the checks again.`,
    fixes: [],
  },
  'ssh.command-hangs': {
    severity: 'error',
    title: (p) => `git's ssh command "${p.command ?? 'ssh'}" did not finish reading its configuration: ${p.reason ?? 'no answer'}.`,
    detail: () =>
      '"ssh -G" only reads the configuration and never connects, yet it did not finish; every push over SSH waits at the same point. Check the command in GIT_SSH_COMMAND, core.sshCommand or GIT_SSH, and any "Match exec" line in your ssh config.',
    fixes: [],
  },
  'ssh.no-key': {
    severity: 'error',
    title: () => 'You have no SSH key that ssh would offer to Bitbucket.',
    detail: () => 'Create an ed25519 key, add its public key in Bitbucket\'s personal settings under SSH keys, and git can push over SSH.',
    fixes: ['ssh.generate-key', 'remote.use-https'],
  },
  'ssh.key-permissions': {
    severity: 'error',
    title: (p) => `ssh ignores your key ${p.keyPath ?? ''} because other users can read it${p.mode ? ` (mode ${p.mode})` : p.reason ? ` (${p.reason})` : ''}.`,
    detail: () => 'OpenSSH refuses private keys that are readable by others ("UNPROTECTED PRIVATE KEY FILE"). Make it readable only by you.',
    fixes: ['ssh.fix-key-permissions'],
  },
  'ssh.key-needs-passphrase': {
    severity: 'error',
    title: (p) => `Bitbucket knows your key ${p.keyPath ?? ''}, but it is locked with a passphrase and no agent has it unlocked.`,
    detail: () => 'Apps and scripts cannot type the passphrase. Unlock the key once in the SSH agent and git can use it.',
    fixes: ['ssh.add-key-to-agent'],
  },
  'ssh.agent-mismatch': {
    severity: 'error',
    title: (p) => `Your SSH key is loaded in ${p.agent ?? 'another SSH agent'}, but the ssh git runs (${p.ssh ?? 'ssh'}) does not use that agent.`,
    detail: (p) => `${p.ssh ?? 'This ssh'} cannot offer the keys held by ${p.agent ?? 'that agent'}, so Bitbucket sees no key. ${p.reason ?? ''}`.trim(),
    fixes: ['ssh.use-windows-openssh'],
  },
  'ssh.host-unknown': {
    severity: 'error',
    title: (p) =>
      p.client === 'putty'
        ? `PuTTY does not know ${host(p)}'s host key yet, so a non-interactive push stops at "Cannot confirm a host key in batch mode".`
        : `ssh does not know ${host(p)}'s host key yet, so a non-interactive push stops at "Host key verification failed".`,
    detail: (p) =>
      p.client === 'putty'
        ? `git runs PuTTY's plink, which keeps host keys in its own cache, not in known_hosts. Run "plink ${SSH_USER}@${host(p)}" once in a terminal, check that the fingerprint it shows is one Bitbucket publishes, and answer "y".`
        : "Add Bitbucket's published host keys to known_hosts (they are checked against the fingerprints Bitbucket publishes).",
    fixes: ['ssh.trust-host-keys'],
  },
  'ssh.host-key-changed': {
    severity: 'error',
    title: (p) =>
      p.client === 'putty' ? `PuTTY's cached host key for ${host(p)} does not match the server, so plink refuses to connect.` : `known_hosts holds an outdated host key for ${host(p)}, so ssh refuses to connect.`,
    detail: (p) =>
      p.client === 'putty'
        ? `Bitbucket replaced its RSA host key on ${formatDay(HOST_KEY_ROTATION_DATE)}. Run "plink ${SSH_USER}@${host(p)}" once in a terminal, check that the new fingerprint is one Bitbucket publishes, and accept it.`
        : `Bitbucket replaced its RSA host key on ${formatDay(HOST_KEY_ROTATION_DATE)}. The old key in known_hosts makes ssh report "REMOTE HOST IDENTIFICATION HAS CHANGED". Replace it with the current published keys.`,
    fixes: ['ssh.trust-host-keys'],
  },
  'ssh.permission-denied': {
    severity: 'error',
    title: (p) => `${host(p)} did not accept any of your SSH keys.`,
    detail: (p) =>
      `${p.reason ? `${p.reason} ` : ''}Add your public key in Bitbucket's personal settings under SSH keys, and make sure ssh offers that key (IdentityFile in ~/.ssh/config).`,
    fixes: ['open.ssh-keys-page', 'ssh.configure-host', 'ssh.generate-key'],
  },
  'ssh.deploy-key-read-only': {
    severity: 'error',
    title: () => 'Your SSH key is a repository access key (deploy key), which can only read.',
    detail: () => 'Bitbucket access keys never allow pushing. Add a key to your personal account settings instead and let ssh offer that one.',
    fixes: ['ssh.generate-key', 'open.ssh-keys-page', 'ssh.configure-host'],
  },
  'ssh.read-only': {
    severity: 'error',
    title: (p) => `${host(p)} accepted your SSH key but refuses pushes to this repository from its account.`,
    detail: (p) =>
      `${p.reason ? `${p.reason} ` : ''}The key works, but the account it belongs to has no write permission on this repository. Ask a repository admin for write access, or let ssh offer the key of an account that has it.`,
    fixes: ['open.repository-page', 'ssh.configure-host'],
  },
  'ssh.repo-not-found': {
    severity: 'error',
    title: (p) => `${host(p)} says the repository does not exist, or your key's account cannot see it.`,
    detail: () => 'Check the workspace and repository names in the remote URL against the "Clone" button on Bitbucket.',
    fixes: ['open.repository-page'],
  },
  'ssh.unreachable': {
    severity: 'error',
    title: (p) => `Could not reach ${host(p)} over SSH${p.reason ? `: ${p.reason}` : ''}.`,
    detail: () => 'This is a network problem, not a key problem: a firewall may block the SSH port. HTTPS may still work.',
    fixes: ['remote.use-https'],
  },
  'ssh.ok': {
    severity: 'info',
    title: (p) => `SSH push access to ${host(p)} works.`,
    detail: () => 'Bitbucket accepted your key for reading and pushing.',
    fixes: [],
  },
  'ssh.key-not-on-account': {
    severity: 'error',
    title: (p) => `The key ssh offers to ${host(p)}${p.fingerprint ? ` (${p.fingerprint})` : ''} is not on your Bitbucket account${p.account ? ` ${p.account}` : ''}.`,
    detail: (p) =>
      `Bitbucket lets a key in only when it is registered on the account that pushes. ${p.reason ? `${p.reason} ` : ''}Add the public key to your account (Push Doctor can do it with the linked account), then check with ssh -T.`,
    fixes: ['ssh.add-key-to-account', 'open.ssh-keys-page'],
  },
  'ssh.account-key-not-offered': {
    severity: 'error',
    title: (p) => `Your Bitbucket account has the key ${p.keyPath ?? ''}${p.fingerprint ? ` (${p.fingerprint})` : ''}, but ssh does not offer it to ${host(p)}.`,
    detail: () => 'ssh tries only the keys its configuration names (IdentityFile) and those in the agent. Tell ssh to use this key for Bitbucket.',
    fixes: ['ssh.configure-host', 'ssh.add-key-to-agent'],
  },
  'account.token-invalid': {
    severity: 'warning',
    title: (p) => `The API token of your linked Bitbucket account${p.account ? ` (${p.account})` : ''} was refused: it is revoked, expired, or was created without scopes.`,
    detail: (p) =>
      `${p.reason ? `Bitbucket said: ${p.reason}. ` : ''}Push Doctor cannot check your account (is your SSH key on it?) until the link works. Create a new API token with scopes at ${LINKS.createApiToken} and link it again: push-doctor account link --input-stdin.`,
    fixes: ['open.api-token-page'],
  },
  'account.token-scopes': {
    severity: 'warning',
    title: (p) => `The API token of your linked Bitbucket account lacks ${p.scopes ?? 'scopes it needs'}.`,
    detail: (p) =>
      `${p.reason ? `${p.reason} ` : ''}Checking and adding SSH keys needs ${SCOPES_FOR_SSH_KEYS.join(' and ')} (and reading the account ${SCOPE_USER_READ}). Scopes cannot be added to a token: create a new one and link it again.`,
    fixes: ['open.api-token-page'],
  },
  'account.unreachable': {
    severity: 'warning',
    title: (p) => `Could not reach Bitbucket's API to check your linked account${p.reason ? `: ${p.reason}` : ''}.`,
    detail: () => 'The account checks (which SSH keys are on your account, whether the token works) were skipped. Check your network or proxy; git itself may still work.',
    fixes: [],
  },
};

export interface FindingInput {
  remote: string | null;
  evidence?: string[];
  params?: FindingParams;
  /** Override the catalogue's fixes where the context calls for a different order or set. */
  fixes?: FixId[];
}

/** Builds a finding from the catalogue. Evidence must already be redacted by the caller's registry. */
export function finding(code: FindingCode, input: FindingInput): Finding {
  const entry = FINDING_CATALOGUE[code];
  const params = input.params ?? {};
  return {
    code,
    severity: entry.severity,
    remote: input.remote,
    title: entry.title(params),
    detail: entry.detail(params),
    evidence: input.evidence ?? [],
    fixes: (input.fixes ?? entry.fixes).map(fixRef),
  };
}

/** How long to say something took: "timed out after 15 s". */
export function timedOutReason(timeoutMs: number): string {
  return `timed out after ${Number((timeoutMs / 1000).toFixed(1))} s`;
}
