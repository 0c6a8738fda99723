/**
 * The one typed contract between the UI and the engine. Main registers a handler per request
 * channel (ipcMain.handle), the browser preview serves the same handlers over loopback, tests call
 * them directly, and the preload exposes them as the domain API below. Pure types (no Node
 * imports): the renderer compiles this file. Runtime validators for every request live in
 * ./schemas.ts and are checked where payloads enter main.
 */
import type { AccountKeysListing, AccountLinkInput, AccountStatus, KeyAddResult, UnlinkResult } from './account.js';
import type { FixInput, FixPlan, FixResult, JournalEntry, RepoTestResult, SshVerifyResult, UndoResult } from './fixes.js';
import type { DiagnoseProgress, DiagnoseReport, FixId } from './report.js';
import type { RepoCommand, TrustedRepo } from './trust.js';

export type { RepoCommand, TrustedRepo } from './trust.js';

/**
 * A remote of the repository, with what the guide needs to know about its URL decided by the
 * engine (its URL parser, app/repo/remote-summary.ts): the UI shows the URL and never parses it.
 */
export interface RemoteSummary {
  name: string;
  /** The URL as configured, passwords masked: "origin → git@ssh.bitbucket.org:acme/widgets.git". */
  url: string;
  /** The fix that moves this remote to SSH on ssh.bitbucket.org: HTTP(S) remotes switch to SSH, SSH remotes (on the old host) move to the new one. */
  switchFix: Extract<FixId, 'remote.use-ssh' | 'remote.use-ssh-host'>;
  /** The URL already goes over SSH to ssh.bitbucket.org. */
  onCloudSshHost: boolean;
  /** The username an HTTP(S) URL names, to prefill the API token form; null when it names none, or an email (no help there). */
  tokenUsername: string | null;
}

export interface RepoSummary {
  /** Repository root. */
  path: string;
  /** Folder name, for headers. */
  name: string;
  remotes: RemoteSummary[];
  /** Commands the repository's own git config names (core.sshCommand, credential helpers...). */
  repoCommands: RepoCommand[];
  /** Whether the user trusted the repository to run them (true when it names none). */
  trusted: boolean;
}

export interface RecentRepo {
  path: string;
  name: string;
  lastOpened: string;
  /** The last re-test or diagnosis result, if any. */
  lastResult: RepoTestResult | null;
}

export interface Settings {
  /** Re-test recent repositories periodically from the tray; 0 turns it off. */
  retestIntervalMinutes: number;
  /** Show a desktop notification when a repository changes state. */
  notifyOnChange: boolean;
  /** Timeout for each probe, in seconds. */
  probeTimeoutSeconds: number;
  /**
   * Bitbucket Data Center servers the user declared ("host" or "host:port", lower case): recognised
   * as Bitbucket, and the only servers besides Bitbucket's own whose pages Push Doctor opens.
   */
  bitbucketHosts: string[];
}

/**
 * What "Copy" puts on the clipboard. The page names the content; main produces or checks the text
 * and writes it (the window has no clipboard permission): the report of the repository's last
 * diagnosis (made and redacted in main), the line of a public key file, or a key fingerprint.
 */
export type ClipboardContent =
  | { kind: 'report'; path: string }
  | { kind: 'public-key'; publicKeyPath: string }
  | { kind: 'fingerprint'; fingerprint: string };

/** Copied; or the system clipboard refused, and here is the text for the user to select and copy. */
export type ClipboardWriteResult = { copied: true } | { copied: false; text: string };

export type ExternalTarget =
  | { kind: 'api-token' }
  /** A Data Center server's page for personal HTTP access tokens ("host", "host:port" or "https://host/context"); the server must be declared. */
  | { kind: 'access-tokens'; server: string }
  | { kind: 'ssh-keys' }
  | { kind: 'repository'; path: string; remote?: string }
  | { kind: 'url'; url: string };

/** Request channels: name → request payload and response value. */
export interface RequestChannels {
  'repo.open': { request: { path: string }; response: RepoSummary };
  /**
   * What was dropped on the window: one path per item, from `pathForDroppedFile` (null for an item
   * without a file system path, such as text or a link). Exactly one folder inside a repository opens.
   */
  'repo.drop': { request: { paths: Array<string | null> }; response: RepoSummary };
  'repo.choose': { request: Record<string, never>; response: RepoSummary | null };
  'diagnose.run': { request: { path: string; remote?: string; offline?: boolean; runId: string }; response: DiagnoseReport };
  'diagnose.cancel': { request: { runId: string }; response: { cancelled: boolean } };
  'fix.describe': { request: { path: string; fixId: FixId; remote?: string }; response: FixPlan };
  'fix.apply': { request: { path: string; fixId: FixId; remote?: string; input?: FixInput }; response: FixResult };
  'fix.undo': { request: Record<string, never>; response: UndoResult };
  'fix.history': { request: Record<string, never>; response: JournalEntry[] };
  'ssh.verify': { request: { path: string; remote?: string }; response: SshVerifyResult };
  'clipboard.write': { request: ClipboardContent; response: ClipboardWriteResult };
  'external.open': { request: ExternalTarget; response: { opened: boolean; url: string } };
  'recent.list': { request: Record<string, never>; response: RecentRepo[] };
  'recent.remove': { request: { path: string }; response: RecentRepo[] };
  'recent.clear': { request: Record<string, never>; response: RecentRepo[] };
  /** The repositories trusted to run their own commands (Settings). */
  'trust.list': { request: Record<string, never>; response: TrustedRepo[] };
  /**
   * Trusts the repository to run the commands the user was shown (by id). Main reads them again and
   * refuses (not-applicable) when they are not exactly those any more.
   */
  'trust.grant': { request: { path: string; commandIds: string[] }; response: RepoSummary };
  'trust.revoke': { request: { path: string }; response: TrustedRepo[] };
  'settings.get': { request: Record<string, never>; response: Settings };
  'settings.set': { request: Partial<Settings>; response: Settings };
  'retest.run': { request: Record<string, never>; response: RepoTestResult[] };
  /**
   * The Bitbucket account link (Cloud by default; `site` names a Data Center server "host[:port]").
   * A token goes in through account.link and never comes back: no response type has a field for it.
   * With `path` (and no `site`), the account of the site the repository's remote belongs to.
   */
  'account.status': { request: { site?: string; path?: string; remote?: string }; response: AccountStatus };
  /** Verified with Bitbucket (GET /user) before it is stored in the system keychain. */
  'account.link': { request: AccountLinkInput; response: AccountStatus };
  'account.unlink': { request: { site?: string }; response: UnlinkResult };
  /** The SSH keys on the linked account, marking those ssh offers (for the repository's remote, and its site, when `path` is given). */
  'keys.list': { request: { path?: string; remote?: string; site?: string }; response: AccountKeysListing };
  /**
   * Adds a public key (default: the one ssh offers for Bitbucket) to the linked account (of the repository's site when
   * `path` is given); journaled, so fix.undo deletes it again. A key Bitbucket has on another account is a `conflict`.
   */
  'keys.add': { request: { path?: string; remote?: string; site?: string; publicKeyPath?: string; label?: string }; response: KeyAddResult };
}
export type RequestChannel = keyof RequestChannels;
export type RequestOf<C extends RequestChannel> = RequestChannels[C]['request'];
export type ResponseOf<C extends RequestChannel> = RequestChannels[C]['response'];

/** Events from main to the UI. */
export interface EventChannels {
  'diagnose.progress': { runId: string; progress: DiagnoseProgress };
  'retest.finished': { results: RepoTestResult[] };
  /** A folder arrived from outside the window: second launch, command line, tray menu. */
  'repo.requested': { path: string };
}
export type EventChannel = keyof EventChannels;

/** Errors are values, never thrown stack traces. */
export type ErrorCode =
  | 'invalid-request'
  | 'untrusted-sender'
  | 'not-found'
  | 'not-a-directory'
  | 'not-a-repo'
  /** More than one item was dropped. */
  | 'several-items'
  | 'not-applicable'
  /** Bitbucket already has the SSH key, on another account or as an access key. */
  | 'conflict'
  | 'cancelled'
  | 'failed';
export interface ContractError {
  code: ErrorCode;
  /** One line for the user; never a secret, never a stack trace. */
  message: string;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export const REQUEST_CHANNELS = [
  'repo.open',
  'repo.drop',
  'repo.choose',
  'diagnose.run',
  'diagnose.cancel',
  'fix.describe',
  'fix.apply',
  'fix.undo',
  'fix.history',
  'ssh.verify',
  'clipboard.write',
  'external.open',
  'recent.list',
  'recent.remove',
  'recent.clear',
  'trust.list',
  'trust.grant',
  'trust.revoke',
  'settings.get',
  'settings.set',
  'retest.run',
  'account.status',
  'account.link',
  'account.unlink',
  'keys.list',
  'keys.add',
] as const satisfies readonly RequestChannel[];

export const EVENT_CHANNELS = ['diagnose.progress', 'retest.finished', 'repo.requested'] as const satisfies readonly EventChannel[];

/** "fix.apply" → "fixApply": the preload's method name for a channel. */
export type MethodName<C extends string> = C extends `${infer Head}.${infer Tail}` ? `${Head}${Capitalize<Tail>}` : C;

export function methodName<C extends RequestChannel>(channel: C): MethodName<C> {
  return channel.replace(/\.(\w)/, (_m, c: string) => c.toUpperCase()) as MethodName<C>;
}

/**
 * What the preload exposes as `window.pushDoctor`: a domain API with one method per request channel
 * (`diagnoseRun`, `fixApply`, ...), event subscriptions and the drop helper. The browser preview
 * provides the same object.
 */
export type PushDoctorApi = {
  [C in RequestChannel as MethodName<C>]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
} & {
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void;
  /** The file system path of a dropped File (webUtils.getPathForFile in Electron), or null. */
  pathForDroppedFile(file: File): string | null;
};
