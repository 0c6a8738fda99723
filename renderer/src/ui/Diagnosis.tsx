/** Diagnosis: the checks as they run, then the verdict card with the recommended fix first. */
import type { DiagnoseReport, Finding, FixRef } from '../../../app/contract/report.js';
import { isLinkFinding } from '../state/account.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import type { Async } from '../state/async-op.js';
import type { CheckLine } from '../state/guide-state.js';
import { otherFindings, topFinding } from '../state/selectors.js';
import { Actions, ErrorNote, Evidence, PrimaryButton, StatusBadge, StepHeading } from './common.js';
import { CopyReport } from './CopyReport.js';
import { checkStatusWords, severityWords } from './format.js';

export function CheckList({ checks }: { checks: CheckLine[] }) {
  if (checks.length === 0) return null;
  return (
    <section className="checks" aria-labelledby="checks-heading">
      <h2 id="checks-heading">Checks</h2>
      <ul className="check-list">
        {checks.map((c) => (
          <li key={`${c.id}:${c.remote ?? ''}`} className="check">
            <StatusBadge words={checkStatusWords(c.status)} />
            <span className="check-text">
              <span className="check-title">
                {c.title}
                {c.remote ? <span className="muted"> ({c.remote})</span> : null}
              </span>
              {c.summary ? <span className="check-summary muted">{c.summary}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Fixes offered as links (the recommended one of the verdict is its primary button instead). */
function FixLinks({ fixes, remote }: { fixes: FixRef[]; remote: string | null }) {
  const { startFix } = useActions();
  if (fixes.length === 0) return null;
  return (
    <ul className="fix-links">
      {fixes.map((fix) => (
        <li key={fix.id}>
          <button type="button" className="link" onClick={() => startFix(fix.id, remote)}>
            {fix.title}
          </button>
        </li>
      ))}
    </ul>
  );
}

function WhyWeThinkSo({ finding }: { finding: Finding }) {
  if (finding.evidence.length === 0) return null;
  return (
    <details className="why">
      <summary>Why we think so</summary>
      <Evidence lines={finding.evidence} />
    </details>
  );
}

/** The finding that checks were skipped until the user trusts the repository's own commands. */
const UNTRUSTED = 'repo.commands-not-run';
const REVIEW = 'Review these commands';

const CONNECT_AGAIN = 'Connect your Bitbucket account again';

/**
 * The cause in one sentence, its evidence, and the fixes: the recommended one as the primary button.
 * A finding about the account link itself is fixed by connecting again, with a new token.
 */
export function VerdictCard({ finding }: { finding: Finding }) {
  const { connectAccount, go, startFix, recheck } = useActions();
  const relink = isLinkFinding(finding.code);
  const [first, ...alternatives] = relink ? [] : finding.fixes;
  return (
    <section className="card verdict" aria-label="Verdict">
      <p className="eyebrow">
        <StatusBadge words={severityWords(finding.severity)} />
        {finding.remote ? <span className="muted"> Remote {finding.remote}</span> : null}
      </p>
      <h2 className="verdict-title">{finding.title}</h2>
      <p>{finding.detail}</p>
      <WhyWeThinkSo finding={finding} />
      <div className="verdict-actions">
        {alternatives.length > 0 ? (
          <div className="alternatives">
            <p className="muted">Other ways:</p>
            <FixLinks fixes={alternatives} remote={finding.remote} />
          </div>
        ) : (
          <span />
        )}
        {relink ? (
          <PrimaryButton onClick={() => connectAccount()}>{CONNECT_AGAIN}</PrimaryButton>
        ) : first ? (
          <PrimaryButton onClick={() => startFix(first.id, finding.remote)}>{first.title}</PrimaryButton>
        ) : finding.code === UNTRUSTED ? (
          <PrimaryButton onClick={() => go({ name: 'trust' })}>{REVIEW}</PrimaryButton>
        ) : (
          <PrimaryButton onClick={() => void recheck()}>Check again</PrimaryButton>
        )}
      </div>
    </section>
  );
}

function AllGood() {
  const { go } = useActions();
  const guide = useRepoGuide();
  const changed = (guide?.applied.length ?? 0) > 0;
  return (
    <section className="card verdict verdict-ok" aria-label="Verdict">
      <p className="eyebrow">
        <StatusBadge words={{ tone: 'ok', icon: '✓', word: 'All good' }} />
      </p>
      <h2 className="verdict-title">Push to Bitbucket works from this computer.</h2>
      <p>{changed ? 'The checks passed after the changes you made.' : 'Every check passed. If a push still fails, copy the report and send it to your support team.'}</p>
      <div className="verdict-actions">
        <span />
        {changed ? (
          <PrimaryButton onClick={() => go({ name: 'done' })}>See what changed</PrimaryButton>
        ) : (
          <PrimaryButton onClick={() => go({ name: 'start' })}>Check another repository</PrimaryButton>
        )}
      </div>
    </section>
  );
}

function OtherFindings({ findings }: { findings: Finding[] }) {
  const { connectAccount, go } = useActions();
  if (findings.length === 0) return null;
  return (
    <section className="others" aria-labelledby="others-heading">
      <h2 id="others-heading">Also found</h2>
      <ul className="finding-list">
        {findings.map((f, i) => (
          <li key={`${f.code}:${f.remote ?? ''}:${i}`} className="finding">
            <StatusBadge words={severityWords(f.severity)} />
            <div className="finding-body">
              <p className="finding-title">{f.title}</p>
              <p className="muted">{f.detail}</p>
              <WhyWeThinkSo finding={f} />
              {isLinkFinding(f.code) ? (
                <button type="button" className="link" onClick={() => connectAccount()}>
                  {CONNECT_AGAIN}
                </button>
              ) : (
                <FixLinks fixes={f.fixes} remote={f.remote} />
              )}
              {f.code === UNTRUSTED ? (
                <button type="button" className="link" onClick={() => go({ name: 'trust' })}>
                  {REVIEW}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Verdict({ report }: { report: DiagnoseReport }) {
  const top = topFinding(report);
  const lead = report.verdict !== 'ok' && top ? top : null;
  return (
    <>
      {lead ? <VerdictCard finding={lead} /> : null}
      {report.verdict === 'ok' ? <AllGood /> : null}
      {report.verdict !== 'ok' && !lead ? (
        <section className="card verdict" aria-label="Verdict">
          <h2 className="verdict-title">The checks could not tell what is wrong.</h2>
          <p>Some checks could not run. Check your connection and run them again, or copy the report for your support team.</p>
        </section>
      ) : null}
      <OtherFindings findings={lead ? otherFindings(report) : report.findings} />
    </>
  );
}

/** The checks and the result of the current run: used by the diagnosis and by the guides' final check. */
export function DiagnosisBody() {
  const { cancelDiagnosis, runDiagnosis } = useActions();
  const run = useGuide((s) => s.diagnosis.run);
  const checks = useGuide((s) => s.diagnosis.checks);
  return (
    <div className="diagnosis">
      {run.status === 'done' ? <Verdict report={run.value} /> : null}
      {run.status === 'failed' && run.error.code !== 'cancelled' ? <ErrorNote error={run.error} /> : null}
      {run.status === 'failed' && run.error.code === 'cancelled' ? <p className="note note-info">The checks were cancelled. Nothing was changed.</p> : null}
      <CheckList checks={checks} />
      {run.status === 'running' ? (
        <div className="inline-actions">
          <button type="button" className="secondary" onClick={() => void cancelDiagnosis()}>
            Cancel
          </button>
        </div>
      ) : null}
      {run.status === 'failed' ? (
        <div className="inline-actions">
          <PrimaryButton onClick={() => void runDiagnosis()}>Run the checks again</PrimaryButton>
        </div>
      ) : null}
    </div>
  );
}

export function diagnosisHeading(run: Async<DiagnoseReport>, repoName: string): string {
  switch (run.status) {
    case 'idle':
    case 'running':
      return `Checking ${repoName}…`;
    case 'failed':
      return run.error.code === 'cancelled' ? 'Checks cancelled' : 'The checks did not finish';
    case 'done':
      return run.value.verdict === 'ok' ? 'Push works' : run.value.verdict === 'problems' ? 'Found the problem' : 'Not sure yet';
  }
}

export function DiagnosisScreen() {
  const { cancelDiagnosis, go, runDiagnosis } = useActions();
  const run = useGuide((s) => s.diagnosis.run);
  const repoName = useGuide((s) => s.repo?.name ?? 'the repository');
  const leave = () => {
    // Leaving stops the checks: nobody is waiting for their answer any more.
    if (run.status === 'running') void cancelDiagnosis();
    go({ name: 'start' });
  };
  return (
    <div className="screen">
      <StepHeading>{diagnosisHeading(run, repoName)}</StepHeading>
      <DiagnosisBody />
      {run.status === 'done' ? <CopyReport /> : null}
      <Actions onBack={leave} backLabel="Choose another repository">
        {run.status === 'done' ? (
          <button type="button" className="secondary" onClick={() => void runDiagnosis()}>
            Run the checks again
          </button>
        ) : null}
      </Actions>
    </div>
  );
}
