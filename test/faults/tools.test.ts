import { describe, it } from 'vitest';
import { NOT_UTF8 } from '../support/fault-tools.js';
import { credentialHelperBed, endlessOutput, gitWrapperBed, missingProgramBed, SAVED_TOKEN, sshCommandBed, USERNAME, type FaultBed } from './support/beds.js';
import { runFault, type Expected } from './support/check-fault.js';

/**
 * The fault suite, local half: the programs git and the engine run are broken (a credential helper
 * or ssh command that never stops printing or prints bytes that are not UTF-8, ssh or git missing,
 * git too old or hanging). Same guarantees as the network half: every surface ends in time with a
 * finding in the user's words and leaves no process behind.
 */
const endless = endlessOutput;

const cases: Array<[name: string, make: () => Promise<FaultBed>, expected: Expected]> = [
  // ── credential helper ──
  // Lines that look like credential fields: git keeps reading until it is stopped.
  ['a credential helper that prints without end', () => credentialHelperBed(`!f() { ${endless('noise=$$')}; }; f`), { code: 'https.helper-failed', title: /^git got no credential from the helper ".*": timed out after 2 s\.$/ }],
  // Lines git cannot read: git warns, stops reading and goes on without it.
  ['a credential helper that prints garbage without end', () => credentialHelperBed(`!f() { ${endless('helper noise $$')}; }; f`), { code: 'https.helper-failed', title: /^git got no credential from the helper ".*": it printed "helper noise \d+", which is not a credential line\.$/ }],
  [
    'a credential helper that answers bytes that are not UTF-8',
    () => credentialHelperBed(`!f() { test "$1" = get || exit 0; printf 'username=${USERNAME}${NOT_UTF8}\\npassword=${SAVED_TOKEN}\\n'; printf '${NOT_UTF8}\\n' >&2; }; f`),
    // Bitbucket usernames are ASCII: a name git cannot even spell right is refused, and said so.
    { code: 'https.token-refused', title: /^bitbucket\.org refused the API token \(ATAT…\w{4}\) for "jdoecaf\uFFFD \uFFFD\uFFFD r\uFFFDsum\uFFFD"/ },
  ],
  // ── git's ssh command ──
  ['an ssh command that prints without end', () => sshCommandBed(() => endless('ssh noise $$')), { code: 'ssh.command-hangs', title: /^git's ssh command ".*\/bin\/ssh" did not finish reading its configuration: timed out after 2 s\.$/ }],
  [
    'an ssh command that prints bytes that are not UTF-8',
    () => sshCommandBed((ssh, home) => `printf '${NOT_UTF8}\\n' >&2\nexec ${ssh} -F ${home.sshDir}/config "$@"`),
    { code: 'ssh.unreachable', title: /: connection refused by 127\.0\.0\.1 port \d+ \(nothing accepts SSH there\)\.$/ },
  ],
  // 3 MB on one line, more than is kept of a stream: ssh's own message at the end still counts.
  [
    'an ssh command that floods one 3 MB line before ssh runs',
    () => sshCommandBed((ssh, home) => `head -c 3000000 /dev/zero | tr '\\0' x >&2\nexec ${ssh} -F ${home.sshDir}/config "$@"`),
    { code: 'ssh.unreachable', title: /: connection refused by 127\.0\.0\.1 port \d+ \(nothing accepts SSH there\)\.$/ },
  ],
  ['ssh missing from the PATH', () => missingProgramBed('ssh', 'ssh'), { code: 'ssh.command-not-found', title: /^git is set to run "ssh -F .*" for SSH, and it cannot be started\.$/ }],
  // ── git ──
  ['git missing from the PATH', () => missingProgramBed('git', 'https'), { code: 'git.missing', title: /^git cannot be run: it is not installed, or not on the PATH Push Doctor runs with\.$/ }],
  [
    'a git older than the oldest supported',
    () => gitWrapperBed((git) => `if [ "$1" = --version ]; then echo "git version 2.25.1"; exit 0; fi\nexec ${git} "$@"`),
    { code: 'git.too-old', title: /^git 2\.25 is older than the oldest supported \(2\.31\): update git\.$/ },
  ],
  ['a git that prints without end and never finishes', () => gitWrapperBed(() => endless('git noise $$')), { code: 'git.no-answer', title: /^git did not answer "git --version": timed out after 2 s\.$/ }],
  // The push works: bytes that are not UTF-8 around git's own output change nothing.
  ['a git wrapper that prints bytes that are not UTF-8', () => gitWrapperBed((git) => `printf '${NOT_UTF8}\\n' >&2\nexec ${git} "$@"`), { code: 'https.ok', title: /^HTTPS push access to bitbucket\.org works\.$/, verdict: 'ok' }],
];

const windows = process.platform === 'win32' ? 'the broken tools are sh scripts, and Windows has no sh on the PATH' : null;

describe.skipIf(windows).concurrent(`fault suite: broken tools${windows ? ` (skipped: ${windows})` : ''}`, () => {
  it.for(cases)('%s', ([, make, expected], { task }) => runFault(make, expected, task.meta));
});
