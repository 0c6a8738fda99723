/** Done: what changed (from the fix results and the journal), undo, and the report for support. */
import type { JournalEntry } from '../../../app/contract/fixes.js';
import { useActions, useGuide, useRepoGuide } from '../state/context.js';
import { Actions, DoneBadge, ErrorNote, PathList, PrimaryButton, StepHeading, Working } from './common.js';
import { CopyReport } from './CopyReport.js';
import { formatMoment } from './format.js';

/** The journal, newest first. */
export function newestFirst(entries: JournalEntry[]): JournalEntry[] {
  return [...entries].sort((a, b) => b.appliedAt.localeCompare(a.appliedAt));
}

function Undo() {
  const { recheck, undo } = useActions();
  const history = useGuide((s) => s.ops.history);
  const result = useGuide((s) => s.ops.undo);
  const titles = useGuide((s) => s.fixTitles);
  const entries = history.status === 'done' ? newestFirst(history.value) : [];
  const last = entries[0];
  return (
    <section aria-labelledby="undo-heading">
      <h2 id="undo-heading">Undo</h2>
      {history.status === 'running' ? <Working>Reading the change history…</Working> : null}
      {history.status === 'failed' ? <ErrorNote error={history.error} /> : null}
      {history.status === 'done' && !last ? <p className="muted">There is nothing to undo.</p> : null}
      {last ? (
        <>
          <p>
            The last change was “{titles[last.fixId] ?? last.fixId}” on {formatMoment(last.appliedAt)}. Undo puts back exactly what it replaced.
          </p>
          <button type="button" className="secondary" onClick={() => void undo()} disabled={result.status === 'running'}>
            Undo the last change
          </button>
        </>
      ) : null}
      {result.status === 'done' ? (
        <div className={result.value.undone ? 'note note-ok' : 'note note-info'}>
          <p>{result.value.message}</p>
          <PathList paths={result.value.restored} label="Restored" />
          {result.value.undone ? <p>The last check was made before this: run the checks again to see where things stand.</p> : null}
        </div>
      ) : null}
      {result.status === 'done' && result.value.undone ? (
        <div className="inline-actions">
          <button type="button" className="secondary" onClick={() => void recheck()}>
            Run the checks again
          </button>
        </div>
      ) : null}
      {result.status === 'failed' ? <ErrorNote error={result.error} /> : null}
      {entries.length > 1 ? (
        <details className="history">
          <summary>All changes Push Doctor made</summary>
          <ul className="history-list">
            {entries.map((e) => (
              <li key={e.id}>
                <span>{titles[e.fixId] ?? e.fixId}</span> <span className="muted">{formatMoment(e.appliedAt)}</span>
                {e.repo ? <span className="mono muted"> {e.repo}</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export function DoneScreen() {
  const { back, go } = useActions();
  const applied = useRepoGuide()?.applied ?? [];
  const titles = useGuide((s) => s.fixTitles);
  const passed = useGuide((s) => s.diagnosis.run.status === 'done' && s.diagnosis.run.value.verdict === 'ok');
  // After an undo the last check no longer describes this computer.
  const undone = useGuide((s) => s.ops.undo.status === 'done' && s.ops.undo.value.undone);
  const works = passed && !undone;
  return (
    <div className="screen">
      <StepHeading>{works ? 'Push works' : 'Summary'}</StepHeading>
      {works ? <p>The last check passed: git can read and push to Bitbucket from this computer.</p> : null}

      <section aria-labelledby="changed-heading">
        <h2 id="changed-heading">What changed</h2>
        {applied.length === 0 ? (
          <p className="muted">Nothing was changed in this session.</p>
        ) : (
          <ul className="summary-list">
            {applied.map((r, i) => (
              <li key={`${r.id}:${i}`}>
                <DoneBadge />
                <div>
                  <p className="summary-title">{titles[r.id] ?? r.id}</p>
                  <p className="muted">{r.message}</p>
                  <PathList paths={r.changed} label="Changed" />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Undo />
      <section aria-labelledby="report-heading">
        <h2 id="report-heading">Report</h2>
        <p className="muted">A Markdown summary for a support ticket. Secrets are masked.</p>
        <CopyReport />
      </section>
      <Actions onBack={back}>
        <PrimaryButton onClick={() => go({ name: 'start' })}>Check another repository</PrimaryButton>
      </Actions>
    </div>
  );
}
