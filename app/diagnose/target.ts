import type { AccountSession } from '../account/session.js';
import type { BitbucketTarget } from '../repo/bitbucket-host.js';
import type { RemoteInfo } from '../repo/repository.js';
import type { RemoteUrl } from '../repo/url.js';
import type { SharedProbes } from './shared-probes.js';

/** One remote as the checks see it: what is configured, where pushes really go, and which Bitbucket. */
export interface RemoteTarget {
  repoRoot: string;
  remote: RemoteInfo;
  /** Parsed first push URL (after pushurl and rewrites): where `git push` really connects. */
  pushUrl: RemoteUrl;
  /** Parsed fetch URL (after rewrites). */
  fetchUrl: RemoteUrl;
  bitbucket: BitbucketTarget;
  /** True when this is the remote a plain `git push` uses. */
  isDefaultPush: boolean;
}

export interface CheckOptions {
  /** Skip every network probe. */
  offline: boolean;
  signal?: AbortSignal;
  /** A fleet run's shared probes: one probe per distinct request, a limit per server (see shared-probes.ts). */
  sharedProbes?: SharedProbes;
  /** The linked Bitbucket account, when there is one and the diagnosis is online. */
  account?: AccountSession;
}
