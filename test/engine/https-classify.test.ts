import { describe, expect, it } from 'vitest';
import { classifyGitHttpOutput } from '../../app/https/classify.js';

const failed = (stderr: string, stdout = '') => ({ exitCode: 128, stdout, stderr, timedOut: false, spawnError: null });

// Real outputs, quoted in the facts file (§3.1) with their sources, plus git 2.39 / curl 7.88 wording.
describe('classifyGitHttpOutput', () => {
  it.each([
    // desktop/desktop#15688
    ['remote: Invalid credentials\nfatal: Authentication failed for \'https://bitbucket.org/Gamingninja5115/clone-test.git/\'\n', { kind: 'auth-rejected', status: 401, hint: null }],
    // Atlassian KB 942864127
    ["remote: Invalid username or password. Invalid username or password. If your organization manages your account or you've enabled two-step verification, create an app password to log in:\nfatal: Authentication failed for ''\n", { kind: 'auth-rejected', status: 401 }],
    // account password after March 2022 (SO reproductions)
    [
      'remote: Bitbucket Cloud recently stopped supporting account passwords for Git authentication.\nremote: See our community post for more details: https://atlassian.community/t5/x/x/ba-p/1948231\nremote: App passwords are recommended for most use cases and can be created in your Personal settings:\nremote: https://bitbucket.org/account/settings/app-passwords/\nfatal: Authentication failed for \'https://bitbucket.org/username/demo.git/\'\n',
      { kind: 'auth-rejected', status: 401, hint: 'account-password' },
    ],
    // brownout / removal reports (410)
    [
      "remote: CHANGE-3222 - Functionality has been deprecated\nremote: App passwords are deprecated and must be replaced with API tokens.\nremote: https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222\nfatal: unable to access 'https://bitbucket.org/yourteam/yourrepo.git/': The requested URL returned error: 410\n",
      { kind: 'app-password-removed', status: 410 },
    ],
    // community qaa-p/3129221 (the "remote: " prefix is not confirmed: both forms)
    ["Your credentials lack one or more required privilege scopes.\nfatal: unable to access 'https://bitbucket.org/a/b.git/': The requested URL returned error: 403\n", { kind: 'missing-scope', status: 403 }],
    ["remote: Your credentials lack one or more required privilege scopes.\nfatal: unable to access 'https://bitbucket.org/a/b.git/': The requested URL returned error: 403\n", { kind: 'missing-scope', status: 403 }],
    // Atlassian KB 1155479141, scenarios 3, 1 and 2
    [
      "remote: The requested repository either does not exist or you do not have access. If you believe this repository exists and you have access, make sure you're authenticated.\nfatal: unable to access 'https://bitbucket.org/workspace_id/repo_name.git/': The requested URL returned error: 403\n",
      { kind: 'not-found', status: 403 },
    ],
    ["remote: To access this repository, an admin must whitelist your IP. \nfatal: unable to access 'https://bitbucket.org/w/r.git/': The requested URL returned error: 403\n", { kind: 'forbidden', hint: 'ip-not-allowed' }],
    ["remote: To access this repository, enable two-step authentication. \nfatal: unable to access 'https://bitbucket.org/w/r.git/': The requested URL returned error: 403\n", { kind: 'forbidden', hint: 'two-step-required' }],
    ["fatal: unable to access 'https://bitbucket.org/w/r.git/': The requested URL returned error: 403\n", { kind: 'forbidden', status: 403, hint: null }],
    // community qaq-p/3213684
    [
      "remote: You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.\nfatal: Authentication failed for 'https://bitbucket.org/x/y.git/'\n",
      // A 401 to a credential: the credential was refused, whatever the body says (facts §12).
      { kind: 'auth-rejected', status: 401, hint: 'may-not-have-access' },
    ],
    // The same sentence without a 401 (the REST API's words for a repository out of sight)
    ["remote: You may not have access to this repository or it no longer exists in this workspace.\nfatal: unable to access 'https://bitbucket.org/x/y.git/': The requested URL returned error: 404\n", { kind: 'not-found', status: 404 }],
    // atlassian/data-center-helm-charts#1101: Bitbucket 10 with basic authentication off
    ["remote: Basic Authentication has been disabled on this instance.\nfatal: unable to access 'https://git.corp.example/scm/p/r.git/': The requested URL returned error: 403\n", { kind: 'forbidden', status: 403, hint: 'basic-auth-disabled' }],
    ["remote: Repository not found\nfatal: repository 'https://git.corp.example/scm/p/r.git/' not found\n", { kind: 'not-found', status: 404 }],
    // desktop/desktop#19653, buildkite/docs#273
    ["fatal: could not read Username for 'https://bitbucket.example.com': terminal prompts disabled\n", { kind: 'no-credential' }],
    ["fatal: could not read Password for 'https://kirantask@bitbucket.org': terminal prompts disabled\n", { kind: 'no-credential' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': Could not resolve host: bitbucket.org\n", { kind: 'unreachable', reason: 'could not resolve host bitbucket.org' }],
    ["fatal: unable to access 'http://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n", { kind: 'unreachable', reason: 'connection refused' }],
    ["fatal: unable to access 'https://127.0.0.1:4443/a.git/': SSL certificate problem: self-signed certificate in certificate chain\n", { kind: 'unreachable', reason: 'certificate problem: self-signed certificate in certificate chain' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': Received HTTP code 407 from proxy after CONNECT\n", { kind: 'unreachable', reason: 'the proxy refused the connection (HTTP 407)' }],
    // The connection ended during the TLS handshake, as GnuTLS (Debian), OpenSSL (macOS, Git for Windows) and Schannel say it.
    ["fatal: unable to access 'https://127.0.0.1:43783/a/b.git/': gnutls_handshake() failed: The TLS connection was non-properly terminated.\n", { kind: 'unreachable', reason: 'the server closed the connection during the TLS handshake' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': gnutls_handshake() failed: Error in the pull function.\n", { kind: 'unreachable', reason: 'the server closed the connection during the TLS handshake' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to bitbucket.org:443 \n", { kind: 'unreachable', reason: 'the server closed the connection during the TLS handshake' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': OpenSSL SSL_connect: Connection was reset in connection to bitbucket.org:443 \n", { kind: 'unreachable', reason: 'the server closed the connection during the TLS handshake' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': schannel: failed to receive handshake, SSL/TLS connection failed\n", { kind: 'unreachable', reason: 'the server closed the connection during the TLS handshake' }],
    ["fatal: unable to access 'https://127.0.0.1:36873/a/b.git/': Recv failure: Connection reset by peer\n", { kind: 'unreachable', reason: 'the server reset the connection before answering' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': Failed to connect to proxy.corp port 3128 after 2 ms: Couldn't connect to server\n", { kind: 'unreachable' }],
    ["fatal: unable to access 'https://bitbucket.org/a/b.git/': The requested URL returned error: 503\n", { kind: 'unreachable', status: 503 }],
    ['fatal: protocol error: bad pack header\n', { kind: 'unknown', reason: 'protocol error: bad pack header' }],
  ])('%s', (stderr, expected) => {
    expect(classifyGitHttpOutput(failed(stderr), 15_000)).toMatchObject(expected);
  });

  it('reads stdout too, and keeps the server words without the remote: prefix', () => {
    const outcome = classifyGitHttpOutput(failed('', 'remote: Invalid credentials\nfatal: Authentication failed for \'x\'\n'), 15_000);
    expect(outcome).toMatchObject({ kind: 'auth-rejected', serverMessage: ['Invalid credentials'] });
  });

  it('calls a killed command unreachable with the timeout in seconds', () => {
    expect(classifyGitHttpOutput({ exitCode: null, stdout: '', stderr: '', timedOut: true, spawnError: null }, 2500)).toMatchObject({ kind: 'unreachable', reason: 'timed out after 2.5 s' });
  });

  it('calls exit 0 ok and a missing git unknown', () => {
    expect(classifyGitHttpOutput({ exitCode: 0, stdout: 'To x\n-\t:refs/heads/p\t[deleted]\nDone\n', stderr: '', timedOut: false, spawnError: null }, 1).kind).toBe('ok');
    expect(classifyGitHttpOutput({ exitCode: null, stdout: '', stderr: '', timedOut: false, spawnError: 'spawn git ENOENT' }, 1)).toMatchObject({ kind: 'unknown', reason: 'git could not be started: spawn git ENOENT' });
  });
});
