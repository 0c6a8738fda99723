import path from 'node:path';
import type { EngineContext } from '../context.js';
import { CLOUD_SSH_HOST, SSH_USER } from '../facts/bitbucket.js';
import { recognizeBitbucket, type BitbucketKind } from '../repo/bitbucket-host.js';
import { readRemotes } from '../repo/repository.js';
import { needsTrust } from '../repo/repo-commands.js';
import { formatSshUrl, parseRemoteUrl, type RemoteUrl } from '../repo/url.js';
import { splitCommandLine, type SshCommand } from '../ssh/command.js';
import { inspectSshEndpoint, type SshEndpoint } from '../ssh/endpoint.js';
import type { FixScope } from './types.js';

/** The SSH destination an SSH fix works on, as git and ssh will really see it. */
export interface SshFixTarget {
  /** The host as git hands it to ssh (the URL's host, maybe an ssh config alias): what a `Host` line matches. */
  host: string;
  url: RemoteUrl;
  /** git's ssh command and `ssh -G` for the URL. */
  endpoint: SshEndpoint;
  kind: BitbucketKind;
  /** The remote pushes over HTTPS today: the SSH host is Bitbucket Cloud's, derived from it. */
  derived: boolean;
  /** Folder git runs ssh in (the repository, or the home for fixes without one). */
  cwd: string;
}

export type SshTargetResult = { ok: true; target: SshFixTarget } | { ok: false; reason: string };

/**
 * Where the scope's remote goes over SSH: its push URL when it is an SSH URL; for an HTTPS remote
 * of Bitbucket Cloud (the user is about to switch) and for fixes without a repository,
 * ssh.bitbucket.org. A Data Center HTTPS remote says nothing about the server's SSH port: refused.
 */
export async function resolveSshFixTarget(ctx: EngineContext, scope: FixScope): Promise<SshTargetResult> {
  const cwd = scope.repoRoot ?? ctx.homeDir;
  let url: RemoteUrl | null = null;
  let derived = false;
  if (scope.repoRoot && scope.remoteName) {
    const snapshot = await readRemotes(ctx, scope.repoRoot);
    const remote = snapshot.remotes.find((r) => r.name === scope.remoteName);
    if (!remote) return { ok: false, reason: `This repository has no remote named "${scope.remoteName}".` };
    const parsed = parseRemoteUrl(remote.resolvedPushUrls[0] ?? remote.resolvedFetchUrl, ctx.platform);
    if (!parsed.ok) return { ok: false, reason: `The remote URL "${parsed.display}" cannot be read (${parsed.reason}).` };
    if (parsed.url.protocol === 'ssh' && parsed.url.host) url = parsed.url;
    else if (recognizeBitbucket(parsed.url, ctx.bitbucketHosts).kind === 'cloud') {
      url = cloudSshUrl(parsed.url.path);
      derived = true;
    } else {
      return { ok: false, reason: `The remote "${scope.remoteName}" does not use SSH (${parsed.url.display}); switch it to SSH first.` };
    }
  } else {
    url = cloudSshUrl('');
    derived = true;
  }
  const endpoint = await inspectSshEndpoint(ctx, cwd, url);
  if (endpoint.blockedBy) return { ok: false, reason: `This fix needs git's ssh command, and ${needsTrust([endpoint.blockedBy])}.` };
  if (endpoint.commandError) return { ok: false, reason: `git cannot start its ssh command: ${endpoint.commandError}.` };
  const kind = recognizeBitbucket(url, ctx.bitbucketHosts, endpoint.hostname, endpoint.port).kind;
  return { ok: true, target: { host: url.host!, url, endpoint, kind, derived, cwd } };
}

function cloudSshUrl(repoPath: string): RemoteUrl {
  const parsed = parseRemoteUrl(formatSshUrl(SSH_USER, CLOUD_SSH_HOST, repoPath || 'workspace/repository.git'));
  if (!parsed.ok) throw new Error(`cannot build the SSH address for ${repoPath}`);
  return parsed.url;
}

/**
 * The ssh config file the user's ssh command reads: the last `-F FILE` among its own options
 * (ssh takes the last one), else ~/.ssh/config. null when it reads none (`-F none`) or when the
 * command is a script whose options cannot be told. Pure.
 */
export function sshConfigFileOf(command: SshCommand, homeDir: string, cwd: string): { file: string | null; reason: string } {
  const fallback = { file: path.join(homeDir, '.ssh', 'config'), reason: 'ssh reads ~/.ssh/config' };
  if (!command.shell) return fallback;
  const words = splitCommandLine(command.value);
  if (!words) return { file: null, reason: `the ssh command (${command.origin}) cannot be read` };
  let file: string | null = null;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-F' && i + 1 < words.length) file = words[++i]!;
    else if (word.startsWith('-F') && word.length > 2) file = word.slice(2);
  }
  if (file === null) return fallback;
  if (file === 'none') return { file: null, reason: `the ssh command (${command.origin}) reads no config file (-F none)` };
  const expanded = file.replace(/^~(?=\/|$)/, homeDir);
  return { file: path.resolve(cwd, expanded), reason: `the ssh command (${command.origin}) reads ${expanded} (-F)` };
}
