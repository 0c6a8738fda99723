import { setUsername } from '../../repo/url-edit.js';
import { remoteUrlFix } from '../remote-url-fix.js';
import { usernameProblem } from '../token-shape.js';

/** Shown in the dry run, before the user has typed the name. */
const PLACEHOLDER = 'YOUR-BITBUCKET-USERNAME';

/** remote.set-username: the user name in the remote's HTTPS URLs becomes the Bitbucket username the user gives (never an email). */
export const setUsernameFix = remoteUrlFix({
  id: 'remote.set-username',
  scope: { roles: 'all', written: true },
  inputs: ['username'],
  transform: (_ctx, _remote, input) => {
    if (input === null) return setUsername(PLACEHOLDER);
    const problem = usernameProblem(input.username ?? '');
    return problem ? { reason: problem } : setUsername(input.username!);
  },
  nothingToDo: (remote) => `${remote.target.remote.name} has no HTTPS URL.`,
  done: (remote) => `${remote.target.remote.name} already uses that username`,
  details: () => ['Your Bitbucket username is shown in Bitbucket under Personal settings; your email does not work for git.', 'git then sends the token saved for that username: save it with credential.save-token if you have not.'],
  applied: (remote) => `${remote.target.remote.name} now uses your Bitbucket username`,
});
