/** The fake engine's stories the tests share: each is what the real engine would answer for one repository. */
import { appPasswordReport, GADGETS, httpsOkReport, PLANS, REPORT_MARKDOWN, RESULTS, SSH_GREETING, sshNoKeyReport, sshOkReport, SWITCH_NOT_NEEDED, WIDGETS } from '../../fixtures/guide.js';
import type { Scenario } from './fake-api.js';

/** widgets: a stale app password in the keychain; clearing it and saving an API token makes push work. */
export const HTTPS_SCENARIO: Scenario = {
  repos: [WIDGETS],
  reports: { [WIDGETS.path]: [appPasswordReport, httpsOkReport] },
  plans: PLANS,
  results: {
    'credential.clear': [{ ok: true, value: RESULTS['credential.clear']! }],
    'credential.save-token': [{ ok: true, value: RESULTS['credential.save-token']! }],
  },
  markdown: REPORT_MARKDOWN,
};

/** gadgets: an SSH remote on ssh.bitbucket.org, no key, host not trusted; the SSH guide makes push work. */
export const SSH_SCENARIO: Scenario = {
  repos: [GADGETS],
  reports: { [GADGETS.path]: [sshNoKeyReport, sshOkReport] },
  plans: { ...PLANS, 'remote.use-ssh-host': SWITCH_NOT_NEEDED },
  results: {
    'ssh.generate-key': [{ ok: true, value: RESULTS['ssh.generate-key']! }],
    'ssh.trust-host-keys': [{ ok: true, value: RESULTS['ssh.trust-host-keys']! }],
    'ssh.configure-host': [{ ok: true, value: RESULTS['ssh.configure-host']! }],
  },
  sshVerify: [SSH_GREETING],
};
