import path from 'node:path';
import { accountLinkFindings, accountSshFindings } from '../account/diagnosis.js';
import { AccountSession, siteOfTarget } from '../account/session.js';
import type { EngineContext } from '../context.js';
import { SCHEMA_VERSION, type CheckResult, type DiagnoseProgress, type DiagnoseReport, type Finding, type Verdict } from '../contract/report.js';
import { compareGitVersions, formatGitVersion, GIT_FEATURES, MIN_GIT_VERSION } from '../facts/git.js';
import { gitRuntime } from '../exec/git-runtime.js';
import { checkGit, gitProblem, type GitCheck } from '../git/version.js';
import { runHttpsChecks } from '../https/checks.js';
import { recognizeBitbucket } from '../repo/bitbucket-host.js';
import { repoCommandEvidence, repoGuard } from '../repo/repo-commands.js';
import { openRepository, readRemotes, type RemotesSnapshot } from '../repo/repository.js';
import { inspectSshEndpoint, runSshChecks } from '../ssh/checks.js';
import type { SshEndpoint } from '../ssh/endpoint.js';
import { boundCheck, boundFinding } from './bounds.js';
import { finding } from './catalogue.js';
import { parseRemote, urlFindings, type ParsedRemote } from './remote-findings.js';
import { CheckReporter } from './reporter.js';
import type { SharedProbes } from './shared-probes.js';
import type { CheckOptions, RemoteTarget } from './target.js';

export interface DiagnoseOptions {
  /** Check only this remote (default: the one a plain `git push` uses, plus every other Bitbucket remote). */
  remote?: string;
  /** Skip every network probe. */
  offline?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: DiagnoseProgress) => void;
  /** Probes shared with the other repositories of a fleet run (testRepos); none for a single diagnosis. */
  sharedProbes?: SharedProbes;
  /** The linked account's answers, shared by a fleet run (one GET /user per site, not one per repository). */
  account?: AccountSession;
}

/** Bad input: not a folder, not a repository, an unknown remote. The CLI exits 2 on it. */
export class DiagnoseInputError extends Error {
  constructor(
    readonly kind: 'not-found' | 'not-a-directory' | 'not-a-repo' | 'unknown-remote' | 'git-failed',
    message: string,
  ) {
    super(message);
    this.name = 'DiagnoseInputError';
  }
}

/**
 * Diagnoses why pushing from the repository at `inputPath` to Bitbucket fails. Read-only: it
 * inspects and probes, it never changes config, credentials or files.
 */
export async function diagnose(userCtx: EngineContext, inputPath: string, options: DiagnoseOptions = {}): Promise<DiagnoseReport> {
  // Cancelling kills every command of the diagnosis, from the first `git --version` to the last probe.
  const ctx: EngineContext = options.signal ? { ...userCtx, signal: options.signal } : userCtx;
  const gitCheckP = checkGit(ctx);
  // Warm-up, off the critical path: how git runs its helpers and ssh (`git --exec-path`) is needed
  // by every remote's checks, HTTPS and SSH, and depends on nothing of the repository. Only once git
  // is known to run (never Apple's stand-in for missing developer tools, which would open an installer).
  gitCheckP.then((check) => (check.kind === 'ok' || check.kind === 'unknown' ? gitRuntime(ctx) : null)).catch(() => {});
  const [gitCheck, opened] = await Promise.all([gitCheckP, openRepository(ctx, inputPath)]);
  // Bad input is the user's to correct first; a git that cannot run or is too old is a finding.
  if (!opened.ok && opened.error.kind !== 'git-failed') throw new DiagnoseInputError(opened.error.kind, opened.error.message);
  const reporter = new CheckReporter(options.onProgress);
  const unusable = await gitFindings(ctx, gitCheck, reporter);
  if (unusable) return report(ctx, opened.ok ? opened.root : path.resolve(inputPath), unusable, reporter, null);
  if (!opened.ok) throw new DiagnoseInputError(opened.error.kind, opened.error.message);
  const root = opened.root;
  // The linked account (if any) is asked only online; without one the diagnosis is unchanged.
  const account = options.offline ? undefined : (options.account ?? new AccountSession(ctx, options.signal));
  const checkOptions: CheckOptions = { offline: options.offline ?? false, signal: options.signal, account, sharedProbes: options.sharedProbes };
  // Before anything else runs in the repository: which of its own commands may run.
  const guard = await repoGuard(ctx, root);
  if (guard.commands.length > 0) {
    await reporter.check('repo.commands', null, "Commands in this repository's own settings", async () =>
      guard.trusted
        ? { status: 'ok', summary: `you trusted this repository to run ${guard.commands.map((c) => c.key).join(', ')}` }
        : { status: 'warning', summary: `not run until you trust this repository: ${guard.commands.map((c) => c.key).join(', ')}` },
    );
  }
  const untrusted = guard.blocked.length > 0 ? [finding('repo.commands-not-run', { remote: null, evidence: repoCommandEvidence(guard.blocked) })] : [];

  let snapshot: RemotesSnapshot | undefined;
  await reporter.check('repo.remotes', null, 'Remotes', async () => {
    snapshot = await readRemotes(ctx, root);
    const count = snapshot.remotes.length;
    if (count === 0) return { status: 'error', summary: 'no remote configured' };
    const push = snapshot.defaultPushRemote ? `git push uses ${snapshot.defaultPushRemote} (${snapshot.defaultPushReason})` : `git push has no destination (${snapshot.defaultPushReason})`;
    return { status: snapshot.defaultPushRemote ? 'ok' : 'warning', summary: `${count} remote${count === 1 ? '' : 's'}; ${push}` };
  });
  if (!snapshot) throw new DiagnoseInputError('git-failed', `git could not read the remotes of ${root}.`);

  if (options.remote && !snapshot.remotes.some((r) => r.name === options.remote)) {
    const known = snapshot.remotes.map((r) => r.name).join(', ') || 'none';
    throw new DiagnoseInputError('unknown-remote', `This repository has no remote named "${options.remote}" (remotes: ${known}).`);
  }

  const findings: Finding[] = [...untrusted];
  if (snapshot.remotes.length === 0) {
    findings.push(finding('remote.none', { remote: null, evidence: ['git remote -v: (nothing)'] }));
    return report(ctx, root, findings, reporter, null);
  }

  const defaultPush = snapshot.defaultPushRemote;
  const isSelected = ({ parsed: p, target }: PreparedRemote) =>
    options.remote ? p.remote.name === options.remote : p.remote.name === defaultPush || (target !== null && target.bitbucket.kind !== 'other');
  const checkRemote = async ({ parsed: p, target, endpoint }: PreparedRemote): Promise<Finding[]> => {
    const found = urlFindings(p, target, ctx.now());
    if (!target || target.bitbucket.kind === 'other') return found;
    const protocol = target.pushUrl.protocol;
    if (protocol === 'https' || protocol === 'http') return [...found, ...(await runHttpsChecks(ctx, target, reporter, checkOptions))];
    if (protocol === 'ssh' && endpoint) {
      const ssh = await runSshChecks(ctx, target, endpoint, reporter, checkOptions);
      return [...found, ...(account ? await accountSshFindings(ctx, account, target, endpoint, ssh, reporter) : ssh)];
    }
    return found;
  };

  // Each remote is a pipeline of its own: its checks (and with them its network probes, which the
  // checks start first) begin as soon as this remote's target is known, not once every remote has
  // been inspected. The local inspection of the others overlaps those probes.
  const pipelines = await Promise.all(
    snapshot.remotes.map(async (remote) => {
      const prepared = await prepareRemote(ctx, root, parseRemote(remote, ctx.secrets, ctx.platform), defaultPush);
      const checked = isSelected(prepared) ? checkRemote(prepared) : null;
      // Awaited below, in remote order; until then a failure must not count as unhandled.
      checked?.catch(() => {});
      return { prepared, checked };
    }),
  );
  const selected = pipelines.flatMap(({ prepared, checked }) => (checked ? [{ prepared, checked }] : []));
  // Nothing to push to and no Bitbucket remote: report on every remote so the user sees why (URL
  // findings only: none of them is Bitbucket, so nothing is probed).
  const toCheck = selected.length > 0 ? selected : pipelines.map(({ prepared }) => ({ prepared, checked: checkRemote(prepared) }));

  const sites = [...new Set(toCheck.map(({ prepared: { target } }) => (target ? siteOfTarget(ctx, target) : null)).filter((s): s is string => s !== null))];
  const [perRemote, perSite] = await Promise.all([
    Promise.all(toCheck.map(({ checked }) => checked)),
    account ? Promise.all(sites.map((site) => accountLinkFindings(account, site, reporter))) : Promise.resolve([]),
  ]);
  findings.push(...perRemote.flat(), ...perSite.flat());
  const primary = options.remote ?? defaultPush ?? toCheck[0]?.prepared.parsed.remote.name ?? null;
  return report(ctx, root, findings, reporter, primary);
}

/**
 * The git check, reported only when git cannot be used: every other check runs git, so nothing
 * after it would be true. Null when git is fine (or answered in a way only the other checks can judge).
 */
async function gitFindings(ctx: EngineContext, check: GitCheck, reporter: CheckReporter): Promise<Finding[] | null> {
  if (check.kind === 'ok' || check.kind === 'unknown') return null;
  await reporter.check('git.version', null, 'git', async () => ({ status: 'error', summary: gitProblem(check) ?? '' }));
  if (check.kind === 'missing' || check.kind === 'no-answer') {
    const code = check.kind === 'missing' ? 'git.missing' : 'git.no-answer';
    return [finding(code, { remote: null, evidence: [`git --version: ${check.reason}`, `PATH=${ctx.env.PATH ?? ''}`], params: { reason: check.reason } })];
  }
  const minimum = formatGitVersion(MIN_GIT_VERSION);
  const needs = GIT_FEATURES.filter((f) => compareGitVersions(check.version, f.since) < 0).map((f) => `needs git ${formatGitVersion(f.since)}: ${f.use}`);
  return [finding('git.too-old', { remote: null, evidence: [`git --version: ${check.output}`, ...needs], params: { version: formatGitVersion(check.version), minimum } })];
}

export interface PreparedRemote {
  parsed: ParsedRemote;
  target: RemoteTarget | null;
  /** For SSH remotes: git's ssh command and ssh's effective config for the host (aliases resolved). */
  endpoint: SshEndpoint | null;
}

/** Where pushes of this remote really go, recognised as Bitbucket Cloud, Data Center or neither. */
export async function prepareRemote(ctx: EngineContext, root: string, parsed: ParsedRemote, defaultPush: string | null): Promise<PreparedRemote> {
  if (!parsed.push || !parsed.fetch || parsed.configured.some((c) => c.url === null)) return { parsed, target: null, endpoint: null };
  // ssh may go somewhere else than the URL says (a config alias): ask it before deciding what the host is.
  const endpoint = parsed.push.protocol === 'ssh' ? await inspectSshEndpoint(ctx, root, parsed.push) : null;
  let bitbucket = recognizeBitbucket(parsed.push, ctx.bitbucketHosts, endpoint?.hostname, endpoint?.port);
  // A rewrite (url.*.insteadOf) may point a Bitbucket remote at a mirror or proxy: the configured URL still says what it is.
  if (bitbucket.kind === 'other') {
    const configured = parsed.configured[parsed.configured.length > 1 ? 1 : 0]?.url;
    if (configured) {
      const fromConfigured = recognizeBitbucket(configured, ctx.bitbucketHosts);
      if (fromConfigured.kind !== 'other') bitbucket = { ...fromConfigured, because: `${fromConfigured.because} (configured URL)` };
    }
  }
  const target = { repoRoot: root, remote: parsed.remote, pushUrl: parsed.push, fetchUrl: parsed.fetch, bitbucket, isDefaultPush: parsed.remote.name === defaultPush };
  return { parsed, target, endpoint };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function report(ctx: EngineContext, root: string, findings: Finding[], reporter: CheckReporter, primary: string | null): DiagnoseReport {
  const sorted = mergeDuplicates(findings)
    .map((f, index) => ({ f, index }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || (a.f.remote === primary ? -1 : 0) - (b.f.remote === primary ? -1 : 0) || a.index - b.index)
    .map(({ f }) => f);
  const result: DiagnoseReport = {
    schemaVersion: SCHEMA_VERSION,
    path: root,
    verdict: verdictOf(sorted, reporter.results, primary),
    findings: sorted,
    checks: reporter.results,
  };
  const redacted = redactReport(ctx, result);
  return { ...redacted, findings: redacted.findings.map(boundFinding), checks: redacted.checks.map(boundCheck) };
}

/**
 * ok: the push path was proven to work and nothing is wrong; problems: an error finding, or a
 * check that failed in a way no finding names while nothing proved the push works; unknown: neither.
 */
export function verdictOf(findings: readonly Finding[], checks: readonly CheckResult[], primary: string | null): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'problems';
  const proven = findings.some((f) => (f.code === 'https.ok' || f.code === 'ssh.ok') && (primary === null || f.remote === primary));
  if (proven) return 'ok';
  return checks.some((c) => c.status === 'error') ? 'problems' : 'unknown';
}

/** The same cause seen twice (from the URL and from a live probe) is one finding with both proofs. */
function mergeDuplicates(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.code}\u0000${f.remote ?? ''}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...f, evidence: [...f.evidence] });
    else for (const line of f.evidence) if (!seen.evidence.includes(line)) seen.evidence.push(line);
  }
  return [...byKey.values()];
}

/** Last line of defence: whatever a check let through, no secret seen in this run leaves the engine. */
function redactReport(ctx: EngineContext, value: DiagnoseReport): DiagnoseReport {
  return mapStrings(value, (text) => ctx.secrets.redact(text));
}

function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as T;
  }
  return value;
}
