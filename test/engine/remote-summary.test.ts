import { describe, expect, it } from 'vitest';
import type { RepoSummary } from '../../app/contract/channels.js';
import { summarizeRemote } from '../../app/repo/remote-summary.js';
import { SecretRegistry } from '../../app/secrets/registry.js';
import { GADGETS, LEGACY, STRANGER, WIDGETS } from '../fixtures/guide.js';

const keep = (text: string) => text;
const summary = (raw: string) => summarizeRemote('origin', raw, 'linux', keep);

/** The decisions the guide used to make by re-reading the URL, now the engine's (issue 11.7). */
describe('summarizeRemote: what the guide is told about a remote', () => {
  it.each([
    // HTTP(S) remotes switch to SSH; their username prefills the token form.
    ['https://jdoe@bitbucket.org/acme/widgets.git', { switchFix: 'remote.use-ssh', onCloudSshHost: false, tokenUsername: 'jdoe' }],
    ['HTTPS://x-bitbucket-api-token-auth@BitBucket.ORG/acme/w.git', { switchFix: 'remote.use-ssh', tokenUsername: 'x-bitbucket-api-token-auth' }],
    ['http://jdoe@192.168.5.15:7990/scm/aut/az_terraform.git', { switchFix: 'remote.use-ssh', tokenUsername: 'jdoe' }],
    ['https://bitbucket.org/acme/w.git', { switchFix: 'remote.use-ssh', tokenUsername: null }],
    // An email is no help in the token form.
    ['https://jane.doe%40example.com@bitbucket.org/acme/w.git', { switchFix: 'remote.use-ssh', tokenUsername: null }],
    // SSH remotes move to ssh.bitbucket.org (nothing to move where they are already); their user ("git") is no Bitbucket username.
    ['git@ssh.bitbucket.org:acme/widgets.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: true, tokenUsername: null }],
    ['ssh://git@ssh.bitbucket.org/acme/widgets.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: true }],
    ['ssh://git@SSH.bitbucket.org:22/acme/widgets.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: true }],
    ['git+ssh://git@ssh.bitbucket.org/acme/w.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: true }],
    ['git@bitbucket.org:acme/widgets.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: false }],
    ['bb-work:acme/widgets.git', { switchFix: 'remote.use-ssh-host', onCloudSshHost: false }],
    // Look-alikes of the host are not it.
    ['https://ssh.bitbucket.org.example.com/acme/widgets.git', { switchFix: 'remote.use-ssh', onCloudSshHost: false }],
    ['git@ssh.bitbucket.org.example.com:acme/widgets.git', { onCloudSshHost: false }],
    // Not a URL at all: shown as written, nothing decided from it.
    ['https://bit bucket.org/acme/w.git', { url: 'https://bit bucket.org/acme/w.git', switchFix: 'remote.use-ssh-host', onCloudSshHost: false, tokenUsername: null }],
  ])('%s', (raw, expected) => {
    expect(summary(raw)).toMatchObject({ name: 'origin', ...expected });
  });

  it('never offers a token written as the username, and masks what the run knows as a secret', () => {
    const token = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789';
    const asUsername = summary(`https://${token}@bitbucket.org/acme/widgets.git`);
    expect(asUsername).toEqual({ name: 'origin', url: 'https://ATAT…6789@bitbucket.org/acme/widgets.git', switchFix: 'remote.use-ssh', onCloudSshHost: false, tokenUsername: null });

    const secrets = new SecretRegistry();
    secrets.wrap('jdoe-secret-name');
    const redacted = summarizeRemote('origin', 'https://jdoe-secret-name:pw@bitbucket.org/acme/w.git', 'linux', (text) => secrets.redact(text));
    expect(JSON.stringify(redacted)).not.toContain('jdoe-secret-name');
    expect(JSON.stringify(redacted)).not.toContain(':pw@');
  });
});

/**
 * The renderer's tests show the repositories of test/fixtures/guide.ts, written out there because
 * the engine's modules use Node. This keeps them what the engine would send.
 */
describe('the repository fixtures of the renderer tests say what the engine says', () => {
  it.each([WIDGETS, GADGETS, LEGACY, STRANGER].map((repo): [string, RepoSummary] => [repo.name, repo]))('%s', (_name, repo) => {
    for (const remote of repo.remotes) expect(summarizeRemote(remote.name, remote.url, 'linux', keep)).toEqual(remote);
  });
});
