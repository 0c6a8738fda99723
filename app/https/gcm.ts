import type { EngineContext } from '../context.js';
import { fillCredential, type FillResult } from '../credentials/fill.js';
import {
  gcmCredentialStore,
  gcmValidatesStoredCredentials,
  gcmVersion,
  refusedToPrompt,
  storeLimitLines,
  withoutValidation,
  type Gcm,
} from '../credentials/gcm.js';
import type { ConfiguredHelper, HelperResolution } from '../credentials/helpers.js';

/**
 * What the HTTPS checks learn about Git Credential Manager for one push URL, from the evidence
 * git and GCM give: the lines GCM printed during `git credential fill`, its version, its settings,
 * and, when GCM refused to answer, a second read-only look with its REST check switched off for
 * that one call (which shows the credential GCM holds but throws away before every push).
 */
export interface GcmFacts {
  helper: ConfiguredHelper;
  windowsSide: boolean;
  /** Keeps credentials in Windows' Credential Manager by default (the 0x6f7 limit applies). */
  windowsStores: boolean;
  version: string | null;
  /** credential.bitbucketValidateStoredCredentials is not false. */
  validates: boolean;
  credentialStore: string | null;
  /** GCM's "Failed to write item to store. [0x6f7]" lines. */
  storeLimit: string[];
  /** GCM refused to hand out its stored credential; the lines it printed. Null when it did not. */
  heldBack: string[] | null;
}

/**
 * When `git credential fill` got nothing because GCM said it would have to prompt, asks once more
 * with GCM's validation of stored credentials off (an environment variable for this call only;
 * `get` changes nothing). A credential found this way is the one GCM keeps throwing away.
 */
export async function lookPastGcmCheck(ctx: EngineContext, repoRoot: string, pushUrl: string, fill: FillResult, gcm: Gcm, signal?: AbortSignal): Promise<FillResult | null> {
  if (fill.credential || !refusedToPrompt(fill.evidence)) return null;
  const second = await fillCredential(ctx, repoRoot, pushUrl, signal, withoutValidation(ctx, gcm));
  return second.credential ? second : null;
}

export async function gcmFacts(ctx: EngineContext, gcm: Gcm, helpers: HelperResolution, url: string, fill: FillResult | null, heldBack: FillResult | null): Promise<GcmFacts> {
  const [version, validates, credentialStore] = await Promise.all([gcmVersion(ctx, gcm), gcmValidatesStoredCredentials(ctx, gcm, helpers, url), gcmCredentialStore(ctx, gcm, helpers, url)]);
  const said = [...(fill?.evidence ?? []), ...(heldBack?.evidence ?? [])];
  return {
    helper: gcm.helper,
    windowsSide: gcm.windowsSide,
    windowsStores: gcm.windowsStores,
    version,
    validates,
    credentialStore,
    storeLimit: [...new Set(storeLimitLines(said))],
    heldBack: heldBack ? (fill?.evidence ?? []).filter((l) => refusedToPrompt([l])) : null,
  };
}

/** "Git Credential Manager 2.6.1" / "Git Credential Manager for Windows 2.6.1, started from WSL": for evidence. */
export function describeGcm(facts: Pick<GcmFacts, 'windowsSide' | 'version'>): string {
  const name = facts.windowsSide ? 'Git Credential Manager for Windows, started from WSL' : 'Git Credential Manager';
  return `${name}: version ${facts.version ?? 'unknown'} (git credential-manager --version)`;
}
