// The usage line of every command, apart from the commands themselves: `push-doctor --help` prints
// them all without loading any command (each is loaded only when it runs).
export const DIAGNOSE_USAGE = 'push-doctor diagnose [PATH] [--json] [--offline] [--timeout SECONDS] [--remote NAME] [--bitbucket-host HOST]';
export const TEST_USAGE = 'push-doctor test [PATH...] [--json] [--timeout SECONDS] [--bitbucket-host HOST]';
export const FIX_USAGE = 'push-doctor fix FIX_ID [PATH] [--yes] [--json] [--input-stdin] [--remote NAME]';
export const KEYGEN_USAGE = 'push-doctor keygen [--file F] [--comment C] [--passphrase-stdin] [--json]';
export const UNDO_USAGE = 'push-doctor undo [--json]';
export const HISTORY_USAGE = 'push-doctor history [--json]';
