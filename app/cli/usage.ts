// The usage line of every command, apart from the commands themselves: `push-doctor --help` prints
// them all without loading any command (each is loaded only when it runs).
export const DIAGNOSE_USAGE = 'push-doctor diagnose [PATH] [--json] [--offline] [--timeout SECONDS] [--remote NAME] [--bitbucket-host HOST] [--no-repo-commands]';
export const TEST_USAGE = 'push-doctor test [PATH...] [--json] [--timeout SECONDS] [--bitbucket-host HOST] [--no-repo-commands]';
export const FIX_USAGE = 'push-doctor fix FIX_ID [PATH] [--yes] [--json] [--input-stdin] [--remote NAME] [--no-repo-commands]';
export const KEYGEN_USAGE = 'push-doctor keygen [--file F] [--comment C] [--passphrase-stdin] [--json]';
export const UNDO_USAGE = 'push-doctor undo [--json]';
export const HISTORY_USAGE = 'push-doctor history [--json]';
export const ACCOUNT_USAGE = 'push-doctor account link [--input-stdin] [--json] | account status [--json] | account unlink [--json]   [--bitbucket-host HOST] [--timeout SECONDS]';
export const KEYS_USAGE = 'push-doctor keys list [--json] | keys add [--key FILE] [--label TEXT] [--json]   [--remote NAME] [--bitbucket-host HOST] [--timeout SECONDS]';
