/**
 * Every Bitbucket fact the engine relies on, each with its source, in one place.
 *
 * Rules read these values; nothing else in the code base hard-codes a Bitbucket host, date, token
 * prefix, host key, server message or link. When Bitbucket changes something, the fix is a one-line
 * edit here (plus the test that pins the behaviour).
 *
 * Source labels: [OFFICIAL] Atlassian docs, blog, KB or staff answer, or upstream git/OpenSSH source;
 * [3RD-PARTY] reproducible user reports and scanners; [DERIVED] computed or inferred from the above.
 */

// ─── Hosts ────────────────────────────────────────────────────────────────────────────────────────

/** [OFFICIAL] https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens ("git clone https://{bitbucket_username}@bitbucket.org/...") */
export const CLOUD_WEB_HOST = 'bitbucket.org';

/** [OFFICIAL] https://community.atlassian.com/forums/Bitbucket-articles/Upcoming-change-to-Bitbucket-Cloud-SSH-access-move-from/ba-p/3234032 ("All SSH-based Git operations must use a new hostname: ssh.bitbucket.org") */
export const CLOUD_SSH_HOST = 'ssh.bitbucket.org';

/** The host git used for SSH before the move; serves only HTTPS after CLOUD_SSH_HOST_MOVE_DATE. Same source as CLOUD_SSH_HOST. */
export const CLOUD_LEGACY_SSH_HOST = 'bitbucket.org';

/** [3RD-PARTY] SSH over port 443, e.g. https://gist.github.com/pvspain/35f8e605834eb775d76cf93b7a7fb9ed ("HostName altssh.bitbucket.org / Port 443"). */
export const CLOUD_ALT_SSH_HOST = 'altssh.bitbucket.org';
export const CLOUD_ALT_SSH_PORT = 443;

/** [OFFICIAL] https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/ (base https://api.bitbucket.org/2.0) */
export const CLOUD_API_HOST = 'api.bitbucket.org';

/** Every host name that means "Bitbucket Cloud". */
export const CLOUD_HOSTS: readonly string[] = [CLOUD_WEB_HOST, CLOUD_SSH_HOST, CLOUD_ALT_SSH_HOST, CLOUD_API_HOST];

/** [OFFICIAL] The SSH user of every Bitbucket clone URL, Cloud and Data Center ("git@bitbucket.org:{workspace}/{repo}.git", "ssh://git@{host}:7999/{project}/{repo}.git"): https://support.atlassian.com/bitbucket-cloud/docs/set-up-personal-ssh-keys-on-linux/ */
export const SSH_USER = 'git';

/** [OFFICIAL] Bitbucket Data Center: embedded SSH server, default port 7999 ("Replace 7999 with the port that your Bitbucket server uses"), https://developer.atlassian.com/server/bitbucket/reference/plugin-module-types/ssh-request-handler */
export const DC_DEFAULT_SSH_PORT = 7999;

/** [3RD-PARTY, consistent with DC REST links.clone] HTTPS clone URLs of Data Center have a /scm/ path segment: https://host[:port][/context]/scm/PROJECT/repo.git (jenkinsci/bitbucket-branch-source-plugin#813) */
export const DC_HTTP_PATH_SEGMENT = 'scm';

// ─── Dates (UTC, ISO) ─────────────────────────────────────────────────────────────────────────────

/** [OFFICIAL] https://bitbucket.org/blog/deprecating-atlassian-account-password-for-bitbucket-api-and-git-activity ("Starting Mar 1, 2022 ... no longer be able to use their Atlassian account password ... via Git over https") */
export const ACCOUNT_PASSWORDS_STOPPED_DATE = '2022-03-01';

/** [OFFICIAL] https://community.atlassian.com/forums/Bitbucket-articles/Bitbucket-Cloud-enters-phase-2-of-app-password-deprecation/ba-p/3106901 ("effective September 9, 2025 ... new app password creation is disabled") */
export const APP_PASSWORD_CREATION_DISABLED_DATE = '2025-09-09';

/** [OFFICIAL] https://community.atlassian.com/forums/Bitbucket-articles/Deprecation-notice-Bitbucket-Cloud-app-password-brownout/ba-p/3237429 ("brownouts from June 9, 2026 to July 27, 2026") */
export const APP_PASSWORD_BROWNOUTS_START_DATE = '2026-06-09';

/** [OFFICIAL] same post: "app passwords will be fully removed on July 28, 2026." */
export const APP_PASSWORDS_REMOVED_DATE = '2026-07-28';

/** [OFFICIAL] ba-p/3234032: "you'll need to update your configuration by November 12, 2026" */
export const CLOUD_SSH_HOST_MOVE_DATE = '2026-11-12';

/** [OFFICIAL] https://bitbucket.org/blog/ssh-host-key-changes ("replacing the current host keys on June 20, 2023") */
export const HOST_KEY_ROTATION_DATE = '2023-06-20';

/** [OFFICIAL] https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account ("new API tokens ... expire in one year by default", "from one day up to one year") */
export const API_TOKEN_MAX_LIFETIME_DAYS = 365;

// ─── Usernames ────────────────────────────────────────────────────────────────────────────────────

/** [OFFICIAL] using-api-tokens: "you can also use the static username x-bitbucket-api-token-auth" */
export const API_TOKEN_STATIC_USERNAME = 'x-bitbucket-api-token-auth';

/** [3RD-PARTY] Repository/project/workspace access tokens and OAuth tokens authenticate git as "x-token-auth" (older Atlassian OAuth docs; real configs). Current doc sentence: unconfirmed. */
export const ACCESS_TOKEN_USERNAME = 'x-token-auth';

// ─── Secret shapes ────────────────────────────────────────────────────────────────────────────────

/**
 * [OFFICIAL, Atlassian staff] https://community.atlassian.com/forums/Bitbucket-questions/Re-Re-Can-we-confirm-BitBucket-s-token-prefixes/qaq-p/3096469
 * "API Token: ATAT  App Password: ATBB  Access Tokens (Workspace, Project, Repo): ATCT"
 */
export const API_TOKEN_PREFIX = 'ATAT';
export const APP_PASSWORD_PREFIX = 'ATBB';
export const ACCESS_TOKEN_PREFIX = 'ATCT';

/** [3RD-PARTY] trufflehog PR #4883: Data Center HTTP access tokens "prefix BBDC-", 40-50 characters after it. Official statement: unconfirmed. */
export const DC_TOKEN_PREFIX = 'BBDC-';

/** [3RD-PARTY] scanner rules: app passwords are ATBB + 32 alphanumerics; pre-prefix app passwords were 20 alphanumerics. */
export const APP_PASSWORD_PATTERN = /^ATBB[A-Za-z0-9_=.-]{20,}$/;
export const LEGACY_APP_PASSWORD_PATTERN = /^[A-Za-z0-9]{20}$/;

/** [3RD-PARTY] ATATT3xFfGF0 + body + '=' + 8 hex; Atlassian says lengths vary ("check that it can handle a variable" length), so only the prefix and charset are checked. */
export const API_TOKEN_PATTERN = /^ATAT[A-Za-z0-9_=+/-]{20,}$/;
export const ACCESS_TOKEN_PATTERN = /^ATCT[A-Za-z0-9_=+/-]{20,}$/;
export const DC_TOKEN_PATTERN = /^BBDC-[A-Za-z0-9+/@_-]{40,50}$/;

/**
 * [3RD-PARTY, VERIFIED-LOCALLY] legacy Bitbucket Server/DC personal access token: 44-char base64 of "<12-digit id>:" + 20 random bytes
 * (33 bytes: 44 characters, no padding; a trailing "=" is tolerated for ids of other lengths).
 */
export const DC_LEGACY_TOKEN_PATTERN = /^[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]$/;

/** [OFFICIAL community, Atlassian staff] qaa-p/3129221: the words of a 403 for a token without the scope an action needs. */
const MESSAGES_MISSING_SCOPES = 'Your credentials lack one or more required privilege scopes';

// ─── Scopes ───────────────────────────────────────────────────────────────────────────────────────

/** [OFFICIAL] https://support.atlassian.com/bitbucket-cloud/docs/api-token-permissions ("Write ... does not imply the read:repository:bitbucket scope") */
export const SCOPE_REPO_READ = 'read:repository:bitbucket';
export const SCOPE_REPO_WRITE = 'write:repository:bitbucket';
export const SCOPES_FOR_PUSH: readonly string[] = [SCOPE_REPO_READ, SCOPE_REPO_WRITE];

/**
 * [3RD-PARTY, consistent] GET /2.0/user with an API token needs read:user:bitbucket (avivsinai/bitbucket-cli#62:
 * "results in a 403 error if omitted"; fork-dev/Tracker#2617). The developer page still names the classic scope
 * "account"; its new-style name there: unconfirmed.
 */
export const SCOPE_USER_READ = 'read:user:bitbucket';

/**
 * [OFFICIAL] https://developer.atlassian.com/cloud/bitbucket/rest/api-group-ssh/: list needs read:ssh-key:bitbucket;
 * add needs "read:ssh-key:bitbucket, write:ssh-key:bitbucket". Delete: delete:ssh-key:bitbucket ([3RD-PARTY]
 * generated-from-OpenAPI docs, e.g. the bitbucket_ssh_keys resource: "Delete | delete:ssh-key:bitbucket").
 */
export const SCOPE_SSH_KEY_READ = 'read:ssh-key:bitbucket';
export const SCOPE_SSH_KEY_WRITE = 'write:ssh-key:bitbucket';
export const SCOPE_SSH_KEY_DELETE = 'delete:ssh-key:bitbucket';
export const SCOPES_FOR_SSH_KEYS: readonly string[] = [SCOPE_SSH_KEY_READ, SCOPE_SSH_KEY_WRITE];

/**
 * The scopes to tick for the account link's API token, and what each is for (sources above): GET /user, listing and
 * adding SSH keys, and deleting a key again (what `undo` of an added key needs; the link works without it).
 */
export const ACCOUNT_LINK_SCOPES: ReadonlyArray<{ scope: string; use: string; required: boolean }> = [
  { scope: SCOPE_USER_READ, use: 'tells Push Doctor which Bitbucket user the token belongs to', required: true },
  { scope: SCOPE_SSH_KEY_READ, use: 'lists the SSH keys on your account', required: true },
  { scope: SCOPE_SSH_KEY_WRITE, use: 'adds a new SSH key to your account', required: true },
  { scope: SCOPE_SSH_KEY_DELETE, use: 'lets Undo remove a key Push Doctor added', required: false },
];

/**
 * [OFFICIAL] Classic scopes (app passwords, OAuth) that cover the same: api-group-ssh lists "account" (read) and
 * "account:write" (add); api-group-users "account"; repository-access-token-permissions "repository", "repository:write".
 * A granted classic scope counts like its new-style equivalent.
 */
export const CLASSIC_SCOPE_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  account: [SCOPE_USER_READ, SCOPE_SSH_KEY_READ],
  'account:write': [SCOPE_SSH_KEY_WRITE, SCOPE_SSH_KEY_DELETE],
  repository: [SCOPE_REPO_READ],
  'repository:write': [SCOPE_REPO_WRITE],
};

// ─── REST API (account link) ─────────────────────────────────────────────────────────────────────

/** [OFFICIAL] https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/ ("https://api.bitbucket.org/2.0") */
export const CLOUD_API_BASE_URL = `https://${CLOUD_API_HOST}/2.0`;

/**
 * [OFFICIAL] Cloud REST paths (relative to CLOUD_API_BASE_URL): GET /user ("Returns the currently logged in user",
 * api-group-users); GET and POST /users/{selected_user}/ssh-keys, DELETE /users/{selected_user}/ssh-keys/{key_id}
 * (api-group-ssh). selected_user: "an Atlassian Account ID OR the UUID of the account, surrounded by curly-braces".
 * Lists are paginated: "values", and "next" (the full URL of the next page) while there is one.
 */
export const CLOUD_API_PATHS = {
  currentUser: '/user',
  sshKeys: (selectedUser: string) => `/users/${encodeURIComponent(selectedUser)}/ssh-keys`,
  sshKey: (selectedUser: string, keyId: string) => `/users/${encodeURIComponent(selectedUser)}/ssh-keys/${encodeURIComponent(keyId)}`,
} as const;

/**
 * [OFFICIAL KB] https://support.atlassian.com/bitbucket-cloud/kb/how-to-fetch-the-scope-of-a-token-via-command-line/
 * ("Under x-oauth-scopes, you will see the scope of the token"; the example also shows x-accepted-oauth-scopes and
 * x-credential-type). Shown there for access tokens; whether API tokens get the same headers: unconfirmed, so a
 * missing header means "not told", never "no scopes".
 */
export const API_HEADERS = {
  grantedScopes: 'x-oauth-scopes',
  acceptedScopes: 'x-accepted-oauth-scopes',
  credentialType: 'x-credential-type',
} as const;

/** What Bitbucket's REST API answers (JSON `{"type": "error", "error": {"message": ..., "detail": ...}}`). */
export const API_MESSAGES = {
  /**
   * [3RD-PARTY, several captures] 401 for an API token that is revoked, expired, sent as Bearer, or created without
   * scopes: avivsinai/bitbucket-cli#30, community.developer.atlassian.com/t/94071; facts §12 (support "revoke user API tokens").
   */
  tokenInvalid: 'Token is invalid, expired, or not supported for this endpoint',
  /**
   * [3RD-PARTY] 403 with the scopes named: {"message": "Your credentials lack one or more required privilege scopes.",
   * "detail": {"required": ["account"], "granted": ["team"]}} (backstage/backstage#22383; gildas/bitbucket-cli#56 shows
   * "required": ["read:user:bitbucket"]).
   */
  missingScopes: MESSAGES_MISSING_SCOPES,
  /** [3RD-PARTY] REST capture after the removal: 401 "App passwords are deprecated and must be replaced with API tokens." (facts §12) */
  appPasswordDeprecated: 'App passwords are deprecated',
  /**
   * [OFFICIAL KB] https://support.atlassian.com/bitbucket-cloud/kb/why-am-i-not-able-to-add-an-ssh-key-in-bitbucket-cloud/:
   * "Someone has already registered that SSH key." / "SSH keys must be unique and deleted keys may take up to 30 days
   * to be removed." (the key is on another account, a workspace, or an access key). The API 1.0 answered HTTP 400 with
   * the same words for a key already on the caller's own account ([3RD-PARTY] test suites of bitbucket-api clients).
   * The API 2.0 body for it: unconfirmed, so it is matched loosely (see KEY_ALREADY_REGISTERED) and the caller's own
   * list decides whether the key is theirs.
   */
  keyAlreadyRegistered: 'Someone has already registered that SSH key',
  keysMustBeUnique: 'SSH keys must be unique',
} as const;

/** Loose match for "this key is registered already" in any wording (2.0 body unconfirmed; Data Center's below). */
export const KEY_ALREADY_REGISTERED = /already (?:been )?(?:registered|used|in use|exists?|taken|added)|must be unique|is not unique/i;

/**
 * [OFFICIAL] Bitbucket Data Center REST (relative to the server's base URL, context path included):
 * GET /rest/api/1.0/application-properties answers every caller and names the authenticated user in the
 * X-AUSERNAME response header (eclipse-che/che-server#790: since 8.19.14 /plugins/servlet/applinks/whoami no longer
 * names the user of an HTTP access token; renovatebot/renovate#39527); GET /rest/api/1.0/users/{slug} (display name);
 * GET and POST /rest/ssh/1.0/keys ("To add an SSH key to the current user: POST {"text": ..., "label": ...} to
 * <bitbucket-baseurl>/rest/ssh/latest/keys", Atlassian staff, community qaq-p/691282), DELETE /rest/ssh/1.0/keys/{keyId}
 * (docs.atlassian.com bitbucket-ssh-rest). Paged: "values", "isLastPage", "nextPageStart", request ?start=.
 * The whoami servlet is asked only when X-AUSERNAME is missing (older servers): [OFFICIAL KB]
 * access-tokens-no-longer-work-as-expected-after-upgrading-bitbucket-data-center: from 8.9.22 / 8.19.12 / 9.3.2 a
 * token on a path outside /rest and /scm is refused, and repeated refusals can lock the account behind a CAPTCHA.
 */
export const DC_API_PATHS = {
  applicationProperties: '/rest/api/1.0/application-properties',
  whoami: '/plugins/servlet/applinks/whoami',
  user: (slug: string) => `/rest/api/1.0/users/${encodeURIComponent(slug)}`,
  sshKeys: '/rest/ssh/1.0/keys',
  sshKey: (keyId: string) => `/rest/ssh/1.0/keys/${encodeURIComponent(keyId)}`,
} as const;

/**
 * [OFFICIAL] Data Center personal HTTP access tokens are created at "Profile picture > Manage account > HTTP access tokens"
 * (confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html); that page's address, relative to the
 * server's base URL (context path included): [3RD-PARTY, consistent across many tools' help texts] /plugins/servlet/access-tokens/manage.
 */
export const DC_ACCESS_TOKENS_PAGE = '/plugins/servlet/access-tokens/manage';

/** [3RD-PARTY, consistent] Data Center names the authenticated user in this response header (see DC_API_PATHS). */
export const DC_USERNAME_HEADER = 'x-ausername';

export const DC_MESSAGES = {
  /**
   * [OFFICIAL, Atlassian's own repository] atlassian/data-center-helm-charts#1101: Bitbucket 10.x disables basic
   * authentication by default; calls get 403 "Basic Authentication has been disabled on this instance.".
   * [OFFICIAL KB] support.atlassian.com/bitbucket-data-center/kb/git-push-returns-error-code-403-in-bitbucket-server-data-center:
   * a 403 on push can mean "Allow basic authentication on API calls" is disabled, or no push permission.
   */
  basicAuthDisabled: 'Basic Authentication has been disabled',
  /** [OFFICIAL KB] confluence.atlassian.com/bitbucketserverkb/how-to-find-conflicting-ssh-access-keys-792499987.html */
  keyUsedForAccess: 'This SSH key is already used to access a repository or project',
} as const;

// ─── Server messages (what git and ssh print) ─────────────────────────────────────────────────────

export const MESSAGES = {
  /** [OFFICIAL KB] authentication-error-remote-invalid-username-or-password-942864127; desktop/desktop#15688 */
  invalidCredentials: 'Invalid credentials',
  /** [OFFICIAL KB] same: "Invalid username or password." */
  invalidUsernameOrPassword: 'Invalid username or password',
  /** [OFFICIAL source, GCM <= v2.0.696] thrown as "fatal: Invalid credentials" by old Git Credential Manager */
  oldGcmInvalidCredentials: 'fatal: Invalid credentials',
  /** [3RD-PARTY] account password refused: "Bitbucket Cloud recently stopped supporting account passwords for Git authentication." */
  accountPasswordRefused: 'stopped supporting account passwords',
  /** [3RD-PARTY, community qaq-p/3213684] API token with the wrong username or no access */
  mayNotHaveAccess: 'You may not have access to this repository or it no longer exists',
  /** [OFFICIAL community, Atlassian staff] qaa-p/3129221: HTTP 403 */
  missingScopes: MESSAGES_MISSING_SCOPES,
  /** [3RD-PARTY, two reports] HTTP 410 for app passwords: "App passwords are deprecated and must be replaced with API tokens." */
  appPasswordDeprecated: 'App passwords are deprecated',
  appPasswordChange: 'CHANGE-3222',
  /** [OFFICIAL KB] https://confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141.html, scenario 3 (HTTP 403) */
  repoMissingOrNoAccess: 'The requested repository either does not exist or you do not have access',
  /** [OFFICIAL KB] same article, scenario 1 (HTTP 403): IP allowlisting on the workspace */
  ipNotAllowed: 'an admin must whitelist your IP',
  /** [OFFICIAL KB] same article, scenario 2 (HTTP 403): the workspace requires two-step verification */
  twoStepRequired: 'enable two-step authentication',
  /** [3RD-PARTY] Bitbucket Cloud's SSH service "conq" */
  conqRepoMissing: 'conq: repository does not exist.',
  conqDeployKeyReadOnly: 'access via a deployment key is read-only',
  conqDeployKeyWrongRepo: 'deployment key is not associated with the requested repository',
  conqAccessDenied: 'conq: repository access denied',
  /** [3RD-PARTY] Strider-CD/strider-git#36: an exec request conq does not understand (e.g. a badly quoted path) */
  conqInvalidCommand: 'conq: invalid command syntax.',
  /** [OFFICIAL KB] support.atlassian.com/bamboo/kb/plans-with-git-submodule-fail-in-bamboo-server-dc-with-...: Data Center over SSH, after a "Repository not found" line */
  dcRepoNotFound: 'The requested repository does not exist, or you do not have permission to access it',
  /** [OFFICIAL KB] test-bitbucket-cloud-service-credentials: ssh -T greeting, exit 0 */
  sshGreeting: 'authenticated via ssh key.',
  sshGreetingShell: 'You can use git to connect to Bitbucket. Shell access is disabled',
  /** [3RD-PARTY] shimataro/ssh-key-action#142 */
  sshDeployKeyGreeting: 'authenticated via a deploy key.',
  /** [3RD-PARTY] pre-2020 greeting */
  sshLegacyGreeting: 'logged in as ',
} as const;

/**
 * Whole server answers, as Bitbucket Cloud sends them over HTTPS (text/plain bodies, which git prints
 * as "remote: ..." lines). The local test server replays these.
 */
export const HTTP_ANSWERS = {
  /** [OFFICIAL KB] getting-401-http-error-while-authenticating-to-bitbucket-cloud-rest-apis: `www-authenticate: Basic realm="Bitbucket.org HTTP"` */
  cloudRealm: 'Bitbucket.org HTTP',
  /** [3RD-PARTY] fork-dev/TrackerWin#1993: Data Center's realm as git helpers see it, `Basic realm="Atlassian Bitbucket"` */
  dataCenterRealm: 'Atlassian Bitbucket',
  /** [OFFICIAL KB] authentication-error-remote-invalid-username-or-password-942864127; desktop/desktop#15688 (HTTP 401) */
  invalidCredentials: ['Invalid credentials'],
  /** [3RD-PARTY] ankushshandilya.com/bitbucket-410-app-passwords-deprecated and praveenboyalapalli.com/bitbucket (HTTP 410) */
  appPasswordRemoved: [
    'CHANGE-3222 - Functionality has been deprecated',
    'App passwords are deprecated and must be replaced with API tokens.',
    'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222',
  ],
  /** [3RD-PARTY reproductions] kouhan.cn/en/article/00038763, dev-solve.com/posts/4412797 (HTTP 401) */
  accountPasswordRefused: [
    'Bitbucket Cloud recently stopped supporting account passwords for Git authentication.',
    'See our community post for more details: https://atlassian.community/t5/x/x/ba-p/1948231',
    'App passwords are recommended for most use cases and can be created in your Personal settings:',
    'https://bitbucket.org/account/settings/app-passwords/',
  ],
  /** [3RD-PARTY community] qaq-p/3213684: API token with a username git does not accept (HTTP 401) */
  mayNotHaveAccess: [
    'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.',
  ],
  /** [OFFICIAL community, Atlassian staff] qaa-p/3129221 (HTTP 403) */
  missingScopes: ['Your credentials lack one or more required privilege scopes.'],
  /** [OFFICIAL KB] error-403-when-performing-git-operations-1155479141, scenario 1 (HTTP 403) */
  ipNotAllowed: ['To access this repository, an admin must whitelist your IP.'],
  /** [OFFICIAL KB] same article, scenario 2 (HTTP 403) */
  twoStepRequired: ['To access this repository, enable two-step authentication.'],
  /** [OFFICIAL KB] error-403-when-performing-git-operations-1155479141, scenario 3 (HTTP 403) */
  repoMissingOrNoAccess: [
    "The requested repository either does not exist or you do not have access. If you believe this repository exists and you have access, make sure you're authenticated.",
  ],
} as const;

// ─── Git Credential Manager with Bitbucket ─────────────────────────────────────────────────────────

/**
 * What Git Credential Manager (GCM, the default helper of Git for Windows) says and reads when it
 * fails Bitbucket users. Snapshot of git-ecosystem/git-credential-manager: 2fe99b86 (2026-07-14).
 */
export const GCM_FACTS = {
  /**
   * [OFFICIAL, GCM issue 2428, 2026-08-29, by an Atlassian engineer] Bitbucket's new OAuth tokens exceed the Windows Credential
   * Manager's limit ("the character limits imposed by the wincredman which is 2,560 bytes"); GCM prints
   * "fatal: Failed to write item to store. [0x6f7]" and "fatal: The stub received bad data". Workaround there:
   * `git config --global credential.credentialStore dpapi`. PR 2440 (chunked credentials) merged 2026-09-10; release unconfirmed.
   * Message source: src/shared/Core/Interop/Windows/WindowsCredentialManager.cs ("Failed to write item to store."),
   * printed by src/shared/Core/Application.cs as "fatal: {message} [0x{code:x}]" with the Win32 message of the inner error after it.
   */
  storeWriteFailed: 'Failed to write item to store.',
  /** 0x6f7 = 1783, RPC_X_BAD_STUB_DATA, whose Windows message is "The stub received bad data." */
  storeWriteFailedCode: '0x6f7',
  stubReceivedBadData: 'The stub received bad data',
  windowsCredentialLimitBytes: 2560,
  /** [OFFICIAL] GCM docs/credstores.md: "DPAPI protected files ... git config --global credential.credentialStore dpapi" (Windows only; files in %USERPROFILE%\.gcm\dpapi_store) */
  credentialStoreKey: 'credential.credentialStore',
  credentialStoreEnv: 'GCM_CREDENTIAL_STORE',
  dpapiStore: 'dpapi',
  /**
   * [OFFICIAL source] src/shared/Atlassian.Bitbucket/BitbucketHostProvider.cs ValidateCredentialsWork: a stored credential is
   * checked against GET https://api.bitbucket.org/2.0/user (Bearer, then Basic with the git username); on failure GCM
   * asks again. REST accepts an API token only with the Atlassian email (section "Usernames" above), so the check fails
   * for every API token saved for git, whichever git username it has. [3RD-PARTY, open] GCM issue 1991 (GCM 2.6.1): "if I
   * immediately run another git command, it asks for my credentials again". Workaround: this setting set to false.
   */
  validateStoredCredentials: 'bitbucketValidateStoredCredentials',
  validateStoredCredentialsEnv: 'GCM_BITBUCKET_VALIDATE_STORED_CREDENTIALS',
  /** [OFFICIAL source] src/shared/Core/Authentication/AuthenticationBase.cs: what GCM prints when it would prompt and GCM_INTERACTIVE=never */
  interactionDisabled: 'Cannot prompt because user interactivity has been disabled.',
  /** [OFFICIAL] GCM .github/ISSUE_TEMPLATE/auth-issue.yml: "Run `git credential-manager --version`"; it prints e.g. "2.6.1+786ab03440ddc82e807a97c0e540f5247e44cec6" (issue 1991) */
  versionPattern: /^(\d+\.\d+\.\d+)(?:[-+][\w.+-]*)?$/,
  issueStoreLimit: 'https://github.com/git-ecosystem/git-credential-manager/issues/2428',
  issueApiTokensNotPersisted: 'https://github.com/git-ecosystem/git-credential-manager/issues/1991',
} as const;

// ─── Host keys ────────────────────────────────────────────────────────────────────────────────────

export interface PublishedHostKey {
  type: string;
  /** base64 key blob as in known_hosts */
  key: string;
  /** OpenSSH SHA256 fingerprint, "SHA256:..." */
  fingerprint: string;
}

/**
 * [OFFICIAL] https://bitbucket.org/site/ssh (current list) and https://bitbucket.org/blog/ssh-host-key-changes
 * (fingerprints); fingerprints [VERIFIED-LOCALLY] with ssh-keygen -lf.
 * Whether ssh.bitbucket.org presents the same keys is unconfirmed: the trust fix verifies with ssh -T.
 */
export const PUBLISHED_HOST_KEYS: readonly PublishedHostKey[] = [
  {
    type: 'ssh-ed25519',
    key: 'AAAAC3NzaC1lZDI1NTE5AAAAIIazEu89wgQZ4bqs3d63QSMzYVa0MuJ2e2gKTKqu+UUO',
    fingerprint: 'SHA256:ybgmFkzwOSotHTHLJgHO0QN8L0xErw6vd0VhFA9m3SM',
  },
  {
    type: 'ecdsa-sha2-nistp256',
    key: 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPIQmuzMBuKdWeF4+a2sjSSpBK0iqitSQ+5BM9KhpexuGt20JpTVM7u5BDZngncgrqDMbWdxMWWOGtZ9UgbqgZE=',
    fingerprint: 'SHA256:FC73VB6C4OQLSCrjEayhMp9UMxS97caD/Yyi2bhW/J0',
  },
  {
    type: 'ssh-rsa',
    key: 'AAAAB3NzaC1yc2EAAAADAQABAAABgQDQeJzhupRu0u0cdegZIa8e86EG2qOCsIsD1Xw0xSeiPDlCr7kq97NLmMbpKTX6Esc30NuoqEEHCuc7yWtwp8dI76EEEB1VqY9QJq6vk+aySyboD5QF61I/1WeTwu+deCbgKMGbUijeXhtfbxSxm6JwGrXrhBdofTsbKRUsrN1WoNgUa8uqN1Vx6WAJw1JHPhglEGGHea6QICwJOAr/6mrui/oB7pkaWKHj3z7d1IC4KWLtY47elvjbaTlkN04Kc/5LFEirorGYVbt15kAUlqGM65pk6ZBxtaO3+30LVlORZkxOh+LKL/BvbZ/iRNhItLqNyieoQj/uh/7Iv4uyH/cV/0b4WDSd3DptigWq84lJubb9t/DnZlrJazxyDCulTmKdOR7vs9gMTo+uoIrPSb8ScTtvw65+odKAlBj59dhnVp9zd7QUojOpXlL62Aw56U4oO+FALuevvMjiWeavKhJqlR7i5n9srYcrNV7ttmDw7kf/97P5zauIhxcjX+xHv4M=',
    fingerprint: 'SHA256:46OSHA1Rmj8E8ERTC6xkNcmGOw9oFxYr0WF6zWW8l1E',
  },
];

/**
 * [OFFICIAL] retired 2023-06-20 (blog above); old "configure SSH" doc lists the RSA and DSA fingerprints.
 * A known_hosts entry with one of these for a Bitbucket host causes "REMOTE HOST IDENTIFICATION HAS CHANGED".
 */
export const RETIRED_HOST_KEYS: readonly PublishedHostKey[] = [
  {
    type: 'ssh-rsa',
    key: 'AAAAB3NzaC1yc2EAAAABIwAAAQEAubiN81eDcafrgMeLzaFPsw2kNvEcqTKl/VqLat/MaB33pZy0y3rJZtnqwR2qOOvbwKZYKiEO1O6VqNEBxKvJJelCq0dTXWT5pbO2gDXC6h6QDXCaHo6pOHGPUy+YBaGQRGuSusMEASYiWunYN0vCAI8QaXnWMXNMdFP3jHAJH0eDsoiGnLPBlBp4TNm6rYI74nMzgz3B9IikW4WVK+dc8KZJZWYjAuORU3jc1c/NPskD2ASinf8v3xnfXeukU0sJ5N6m5E8VLjObPEO+mN2t/FZTMZLiFqPWc/ALSqnMnnhwrNi2rbfg/rd/IpL8Le3pSBne8+seeFVBoGqzHM9yXw==',
    fingerprint: 'SHA256:zzXQOXSRBEiUtuE8AikJYKwbHaxvSc0ojez9YXaGp1A',
  },
];
/** The retired DSA key's fingerprint (its blob is not needed: only the fingerprint is ever compared). */
export const RETIRED_DSA_FINGERPRINT = 'SHA256:RezPkAnH1sowiJM0NQXH90IohWdzHc3fAisEp7L3O3o';

/** [OFFICIAL] the known_hosts list Bitbucket publishes; fetched only over verified TLS. */
export const PUBLISHED_HOST_KEYS_URL = 'https://bitbucket.org/site/ssh';

// ─── Links the user is sent to ────────────────────────────────────────────────────────────────────

export const LINKS = {
  /** [OFFICIAL] manage-api-tokens-for-your-atlassian-account: API tokens are created on the Atlassian account's security page ("Create API token with scopes"). */
  createApiToken: 'https://id.atlassian.com/manage-profile/security/api-tokens',
  /** [DERIVED] Bitbucket personal settings, same pattern as the server message's .../account/settings/app-passwords/ */
  sshKeys: 'https://bitbucket.org/account/settings/ssh-keys/',
  /** [DERIVED] where the Bitbucket username is shown ("listed under Bitbucket profile settings", using-api-tokens) */
  accountSettings: 'https://bitbucket.org/account/settings/',
  /** [OFFICIAL] */
  apiTokensDoc: 'https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/',
  apiTokenScopesDoc: 'https://support.atlassian.com/bitbucket-cloud/docs/api-token-permissions/',
  sshHostMoveNotice:
    'https://community.atlassian.com/forums/Bitbucket-articles/Upcoming-change-to-Bitbucket-Cloud-SSH-access-move-from/ba-p/3234032',
  appPasswordRemovalNotice:
    'https://community.atlassian.com/forums/Bitbucket-articles/Deprecation-notice-Bitbucket-Cloud-app-password-brownout/ba-p/3237429',
  hostKeyRotation: 'https://bitbucket.org/blog/ssh-host-key-changes',
  accessKeysDoc: 'https://confluence.atlassian.com/bitbucket/use-access-keys-294486051.html',
} as const;

/** Hosts the main process may open in the user's browser (https only). */
export const OPEN_EXTERNAL_ALLOWED_HOSTS: readonly string[] = [
  CLOUD_WEB_HOST,
  'id.atlassian.com',
  'support.atlassian.com',
  'community.atlassian.com',
  'confluence.atlassian.com',
  'developer.atlassian.com',
];

/** Cloud web URL of a repository, for "open the repository" steps. */
export function cloudRepoUrl(workspace: string, slug: string): string {
  return `https://${CLOUD_WEB_HOST}/${encodeURIComponent(workspace)}/${encodeURIComponent(slug)}`;
}

/**
 * [DERIVED] Data Center web page of a repository: https://host[:port][/context]/projects/KEY/repos/slug,
 * the same path the REST API uses ("/rest/api/1.0/projects/WORK/repos/my-repo", BITBUCKETSERVER071
 * personal access tokens doc); personal repositories (clone path "scm/~user/slug") live under
 * /users/user/repos/slug. `base` is "https://host[:port]".
 */
export function dataCenterRepoUrl(base: string, contextPath: readonly string[], project: string, slug: string): string {
  const owner = project.startsWith('~') ? ['users', project.slice(1)] : ['projects', project];
  return [base, ...[...contextPath, ...owner, 'repos', slug].map(encodeURIComponent)].join('/');
}
