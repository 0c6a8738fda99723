/**
 * The few Bitbucket facts the guide puts into its own sentences (scopes to tick, the fixed token
 * username, token prefixes, the removal date). Pure data re-exported from the single facts module, so
 * the renderer reaches them through the contract and nothing is hard-coded twice.
 */
export {
  ACCOUNT_LINK_SCOPES,
  API_TOKEN_PREFIX,
  API_TOKEN_STATIC_USERNAME,
  APP_PASSWORD_PREFIX,
  APP_PASSWORDS_REMOVED_DATE,
  CLOUD_SSH_HOST,
  CLOUD_WEB_HOST,
  SCOPES_FOR_PUSH,
} from '../facts/bitbucket.js';
