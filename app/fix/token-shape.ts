import { classifySecretValue, classifyUsername, SECRET_KIND_LABELS } from '../credentials/classify.js';
import { formatDay } from '../contract/dates.js';
import {
  ACCESS_TOKEN_PREFIX,
  ACCESS_TOKEN_USERNAME,
  API_TOKEN_PREFIX,
  API_TOKEN_STATIC_USERNAME,
  APP_PASSWORD_PREFIX,
  APP_PASSWORDS_REMOVED_DATE,
  SCOPE_REPO_READ,
  SCOPE_REPO_WRITE,
} from '../facts/bitbucket.js';
import { looksLikeEmail } from '../repo/url.js';

/**
 * Whether a username and token can work for git over HTTPS, judged before anything is sent: the
 * reason to refuse, in one line that never contains the token, or null. Pure.
 */
export function tokenShapeProblem(kind: 'cloud' | 'datacenter', username: string, token: string): string | null {
  if (username.trim() === '') return 'The username is empty.';
  if (token === '') return 'The token is empty.';
  if (/[\r\n\0]/.test(username) || /[\r\n\0]/.test(token)) return 'The username and the token must each be one line.';
  if (username !== username.trim() || token !== token.trim()) return 'The username or the token starts or ends with a space; paste it again without it.';
  if (classifyUsername(username) === 'token') return 'The username looks like a token: enter your Bitbucket username there, and the token in its own field.';
  const secret = classifySecretValue(token).kind;

  if (kind === 'datacenter') {
    if (secret === 'api-token' || secret === 'app-password' || secret === 'access-token') {
      return `This is a Bitbucket Cloud ${SECRET_KIND_LABELS[secret]}; a Data Center server needs one of its own HTTP access tokens (or your password).`;
    }
    return null;
  }

  if (secret === 'app-password') {
    return `This is an app password (${token.startsWith(APP_PASSWORD_PREFIX) ? `it starts with ${APP_PASSWORD_PREFIX}` : 'it has their shape'}); Bitbucket removed app passwords on ${formatDay(APP_PASSWORDS_REMOVED_DATE)}: create an API token instead.`;
  }
  if (secret === 'access-token') {
    return username === ACCESS_TOKEN_USERNAME ? null : `This is an access token (${ACCESS_TOKEN_PREFIX}…): git must send it with the username ${ACCESS_TOKEN_USERNAME}, not "${username}".`;
  }
  if (secret !== 'api-token') {
    return `This is not an Atlassian API token (those start with ${API_TOKEN_PREFIX}): create one with the scopes ${SCOPE_REPO_READ} and ${SCOPE_REPO_WRITE}.`;
  }
  if (looksLikeEmail(username)) {
    return `"${username}" is an email address: with an API token git needs your Bitbucket username or ${API_TOKEN_STATIC_USERNAME}.`;
  }
  if (username === ACCESS_TOKEN_USERNAME) return `${ACCESS_TOKEN_USERNAME} is the username for access tokens; with an API token use your Bitbucket username or ${API_TOKEN_STATIC_USERNAME}.`;
  return null;
}

/** Whether a username can go into a remote URL as the Bitbucket username (remote.set-username). */
export function usernameProblem(username: string): string | null {
  if (username.trim() === '') return 'The username is empty.';
  if (looksLikeEmail(username) || username.includes('@')) return `"${username}" is an email address: git needs your Bitbucket username (shown in Bitbucket's personal settings).`;
  if (/[\s:/?#]/.test(username)) return 'A Bitbucket username has no spaces, colons or slashes.';
  if (classifyUsername(username) === 'token') return 'This looks like a token, not a username; never put a token in the remote URL.';
  return null;
}
