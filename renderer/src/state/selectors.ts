/** What the screens read from the guide's state: pure functions of it, no change. */
import type { RemoteSummary, RepoSummary } from '../../../app/contract/channels.js';
import type { DiagnoseReport, Finding, FixId } from '../../../app/contract/report.js';
import { currentGuide, type GuideState, type Phase, type Screen } from './guide-state.js';

/** The cause to lead with: the first error, else the first warning. */
export function topFinding(report: DiagnoseReport): Finding | null {
  return report.findings.find((f) => f.severity === 'error') ?? report.findings.find((f) => f.severity === 'warning') ?? null;
}

export function otherFindings(report: DiagnoseReport): Finding[] {
  const top = topFinding(report);
  return report.findings.filter((f) => f !== top);
}

export function phaseOf(s: GuideState): Phase {
  switch (s.screen.name) {
    case 'start':
    case 'trust':
      return 'diagnose';
    case 'settings':
    case 'account':
      return phaseOf({ ...s, screen: s.screen.returnTo });
    case 'account-key':
      return 'fix';
    case 'diagnosis':
      return currentGuide(s).applied.length > 0 ? 'verify' : 'diagnose';
    case 'fix':
      return 'fix';
    case 'https':
    case 'ssh':
      return s.screen.step === 'verify' ? 'verify' : 'fix';
    case 'done':
      return 'verify';
  }
}

/** True while an operation runs that leaving the screen would orphan. */
export function isBusy(s: GuideState): boolean {
  const ops = s.ops;
  return (
    s.opening.status === 'running' ||
    Object.values(ops.applies).some((a) => a?.status === 'running') ||
    ops.sshVerify.status === 'running' ||
    ops.undo.status === 'running' ||
    ops.trust.status === 'running' ||
    ops.keyAdd.status === 'running' ||
    s.account.link.status === 'running'
  );
}

/** A stable key per screen and step, for remounting (and so refocusing) the heading on change. */
export function screenKey(screen: Screen): string {
  switch (screen.name) {
    case 'fix':
      return `fix:${screen.fixId}`;
    case 'https':
    case 'ssh':
      return `${screen.name}:${screen.step}`;
    default:
      return screen.name;
  }
}

/** The remote being fixed: the one the guide names, else the repository's first. */
export function remoteOf(repo: RepoSummary | null, remote: string | null): RemoteSummary | null {
  if (!repo) return null;
  return (remote ? repo.remotes.find((r) => r.name === remote) : repo.remotes[0]) ?? null;
}

/** The SSH guide's last fix, as the engine decided it for the remote; without a remote, the host move (which then says there is nothing to move). */
export function switchFixOf(s: GuideState): FixId {
  return remoteOf(s.repo, currentGuide(s).remote)?.switchFix ?? 'remote.use-ssh-host';
}
