/**
 * Facts about git itself that the engine relies on, each with its source: the oldest git whose
 * behaviour the diagnosis and the fixes reproduce. An older git fails some of the commands the
 * engine runs (unknown options), which would otherwise read as "nothing configured" and end in a
 * wrong verdict; the engine says "update git" instead.
 *
 * Sources: git's own release notes (git/git Documentation/RelNotes/*.adoc).
 */

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
}

/** A feature of git the engine uses, and the first release that has it. */
export interface GitFeature {
  since: GitVersion;
  /** What the engine runs. */
  use: string;
  /** Release note that introduced it. */
  source: string;
}

export const GIT_FEATURES: readonly GitFeature[] = [
  {
    since: { major: 2, minor: 26, patch: 0 },
    use: 'git config --show-scope (which config file level each credential helper, URL rewrite and remote setting comes from)',
    source: 'RelNotes 2.26.0: "git config" learned to show in which "scope", in addition to in which file, each config setting comes from.',
  },
  {
    since: { major: 2, minor: 31, patch: 0 },
    use: 'git rev-parse --path-format=absolute --git-common-dir (where the fixes find the repository config, also from a worktree)',
    source: 'RelNotes 2.31.0: "git rev-parse" can be explicitly told to give output as absolute or relative path with the --path-format option.',
  },
];

/** The oldest supported git: the newest of the features above. */
export const MIN_GIT_VERSION: GitVersion = GIT_FEATURES.map((f) => f.since).reduce((a, b) => (compareGitVersions(a, b) >= 0 ? a : b));

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareGitVersions(a: GitVersion, b: GitVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** "2.31": what the words say (patch releases do not add the commands the engine needs). */
export function formatGitVersion(v: GitVersion): string {
  return `${v.major}.${v.minor}`;
}
