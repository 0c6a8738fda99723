import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { git } from '../git/git.js';
import { gitMissingSentence } from '../git/version.js';

export type OpenRepositoryError =
  | { kind: 'not-found'; message: string }
  | { kind: 'not-a-directory'; message: string }
  | { kind: 'not-a-repo'; message: string }
  | { kind: 'git-failed'; message: string };

export type OpenRepositoryResult = { ok: true; root: string } | { ok: false; error: OpenRepositoryError };

/** Finds the repository that contains `inputPath` (any folder inside it), with a plain-words error. */
export async function openRepository(ctx: EngineContext, inputPath: string): Promise<OpenRepositoryResult> {
  const absolute = path.resolve(inputPath);
  let info;
  try {
    info = await stat(absolute);
  } catch {
    return { ok: false, error: { kind: 'not-found', message: `${absolute} does not exist.` } };
  }
  if (!info.isDirectory()) {
    return { ok: false, error: { kind: 'not-a-directory', message: `${absolute} is a file, not a folder. Choose the repository's folder.` } };
  }
  const result = await git(ctx, ['rev-parse', '--is-bare-repository', '--show-toplevel'], { cwd: absolute });
  if (result.timedOut) return { ok: false, error: { kind: 'git-failed', message: `git did not answer within ${ctx.timeoutMs / 1000} s in ${absolute}.` } };
  if (result.spawnError) return { ok: false, error: { kind: 'git-failed', message: gitMissingSentence(result.spawnError) } };
  if (result.exitCode !== 0) {
    if (/dubious ownership/.test(result.stderr)) {
      return { ok: false, error: { kind: 'git-failed', message: `git refuses ${absolute} because another user owns it (safe.directory).` } };
    }
    const badConfig = /bad config (?:line \d+ in|variable '[^']*' in) file (.+?)\s*$/m.exec(result.stderr) ?? /(fatal: bad numeric config value .*)$/m.exec(result.stderr);
    if (badConfig) {
      return { ok: false, error: { kind: 'git-failed', message: `git cannot read a config file: ${badConfig[0].trim().replace(/^fatal: /, '')}. Fix or move that file, then try again.` } };
    }
    if (!/not a git repository/i.test(result.stderr)) {
      const line = result.stderr.split('\n').find((l) => l.startsWith('fatal:')) ?? result.stderr.trim();
      return { ok: false, error: { kind: 'git-failed', message: `git failed in ${absolute}: ${line.replace(/^fatal: /, '') || `exit ${result.exitCode}`}` } };
    }
    return { ok: false, error: { kind: 'not-a-repo', message: `${absolute} is not inside a git repository.` } };
  }
  const [bare, top] = result.stdout.split('\n');
  if (bare === 'true') {
    const gitDir = await git(ctx, ['rev-parse', '--absolute-git-dir'], { cwd: absolute });
    return { ok: true, root: nativePath(gitDir.stdout.trim()) || absolute };
  }
  return { ok: true, root: nativePath(top?.trim() ?? '') || absolute };
}

/**
 * A path git printed, in this system's own form: Git for Windows prints `C:/Users/me/work`, while
 * the user, Node and the app's saved state write `C:\Users\me\work` (the same folder must be one
 * entry in the recent list, one trust, one path in the report). Elsewhere it is unchanged. Pure.
 */
export function nativePath(printed: string, paths: path.PlatformPath = path): string {
  return printed ? paths.normalize(printed) : printed;
}

export interface RemoteInfo {
  name: string;
  /** remote.NAME.url as configured (may contain a password: never show it unparsed). */
  url: string;
  /** remote.NAME.pushurl values as configured; empty when pushes use `url`. */
  pushUrls: string[];
  /** The URL fetches really go to, after url.*.insteadOf rewrites. */
  resolvedFetchUrl: string;
  /** The URLs pushes really go to, after pushurl and url.*.pushInsteadOf/insteadOf rewrites. */
  resolvedPushUrls: string[];
}

export interface RemotesSnapshot {
  remotes: RemoteInfo[];
  /** The remote a plain `git push` uses, or null when git would not know ("No configured push destination"). */
  defaultPushRemote: string | null;
  /** Why that remote: "branch.main.pushRemote", "remote.pushDefault", "branch.main.remote", "default origin". */
  defaultPushReason: string;
  currentBranch: string | null;
}

/** Reads the repository's remotes the way git resolves them. Read-only. */
export async function readRemotes(ctx: EngineContext, root: string): Promise<RemotesSnapshot> {
  const [configResult, branchResult] = await Promise.all([
    git(ctx, ['config', '-z', '--get-regexp', '^(remote\\..*\\.(url|pushurl)|branch\\..*\\.(remote|pushremote)|remote\\.pushdefault)$'], { cwd: root }),
    git(ctx, ['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: root }),
  ]);
  const entries = parseConfigZ(configResult.stdout);
  const currentBranch = branchResult.exitCode === 0 ? branchResult.stdout.trim() || null : null;

  const byName = new Map<string, { url: string | null; pushUrls: string[] }>();
  for (const [key, value] of entries) {
    const match = /^remote\.(.+)\.(url|pushurl)$/i.exec(key);
    if (!match) continue;
    const name = match[1]!;
    const remote = byName.get(name) ?? { url: null, pushUrls: [] };
    if (match[2]!.toLowerCase() === 'url') remote.url ??= value;
    else remote.pushUrls.push(value);
    byName.set(name, remote);
  }

  const remotes = await Promise.all(
    [...byName].filter(([, r]) => r.url !== null).map(async ([name, r]): Promise<RemoteInfo> => {
      const [fetchUrl, pushUrls] = await Promise.all([
        git(ctx, ['remote', 'get-url', '--', name], { cwd: root }),
        git(ctx, ['remote', 'get-url', '--push', '--all', '--', name], { cwd: root }),
      ]);
      return {
        name,
        url: r.url!,
        pushUrls: r.pushUrls,
        resolvedFetchUrl: fetchUrl.exitCode === 0 ? fetchUrl.stdout.trim() : r.url!,
        resolvedPushUrls: pushUrls.exitCode === 0 ? pushUrls.stdout.split('\n').filter(Boolean) : [r.url!],
      };
    }),
  );

  const lookup = (key: string) => entries.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const names = new Set(remotes.map((r) => r.name));
  const candidates: Array<[string | undefined, string]> = currentBranch
    ? [
        [lookup(`branch.${currentBranch}.pushremote`), `branch.${currentBranch}.pushRemote`],
        [lookup('remote.pushdefault'), 'remote.pushDefault'],
        [lookup(`branch.${currentBranch}.remote`), `branch.${currentBranch}.remote`],
      ]
    : [[lookup('remote.pushdefault'), 'remote.pushDefault']];
  let defaultPushRemote: string | null = null;
  let defaultPushReason = 'no remote configured';
  for (const [value, reason] of candidates) {
    if (value && value !== '.') {
      defaultPushRemote = value;
      defaultPushReason = reason;
      break;
    }
  }
  if (!defaultPushRemote && names.has('origin')) {
    defaultPushRemote = 'origin';
    defaultPushReason = 'default origin';
  }
  if (defaultPushRemote && !names.has(defaultPushRemote)) {
    defaultPushReason = `${defaultPushReason} names a remote that does not exist`;
    defaultPushRemote = null;
  }
  return { remotes, defaultPushRemote, defaultPushReason, currentBranch };
}

/** Parses `git config -z` output: entries of "key\nvalue\0" (value absent for bare booleans). */
export function parseConfigZ(output: string): Array<[string, string]> {
  return output
    .split('\0')
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const newline = entry.indexOf('\n');
      return newline === -1 ? [entry, ''] : [entry.slice(0, newline), entry.slice(newline + 1)];
    });
}
