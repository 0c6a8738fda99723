/** Start: the drop zone, "Choose folder…", and the recent repositories with their last result. */
import type { RecentRepo } from '../../../app/contract/channels.js';
import { useActions, useGuide } from '../state/context.js';
import { ErrorNote, StatusBadge, StepHeading, Working } from './common.js';
import { formatMoment, recentResultWords } from './format.js';

function FolderIcon() {
  return (
    <svg className="drop-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <path d="M6 12a4 4 0 0 1 4-4h9l4 5h15a4 4 0 0 1 4 4v19a4 4 0 0 1-4 4H10a4 4 0 0 1-4-4z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      <path d="M24 20v12m-5-5 5 5 5-5" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function RecentItem({ repo, index }: { repo: RecentRepo; index: number }) {
  const { openPath, removeRecent } = useActions();
  const describedBy = `recent-${index}-path recent-${index}-result`;
  return (
    <li className="recent-item">
      <div className="recent-main">
        <button type="button" className="recent-open" onClick={() => void openPath(repo.path)} aria-describedby={describedBy}>
          {repo.name}
        </button>
        <span id={`recent-${index}-path`} className="recent-path mono">
          {repo.path}
        </span>
        <span id={`recent-${index}-result`} className="recent-result">
          {repo.lastResult ? (
            <>
              <StatusBadge words={recentResultWords(repo.lastResult)} /> {repo.lastResult.summary}{' '}
              <span className="muted">({formatMoment(repo.lastResult.testedAt)})</span>
            </>
          ) : (
            <span className="muted">Not checked yet</span>
          )}
        </span>
      </div>
      <button type="button" className="link small" onClick={() => void removeRecent(repo.path)} aria-label={`Remove ${repo.name} from recent repositories`}>
        Remove
      </button>
    </li>
  );
}

export function StartScreen({ dragging }: { dragging: boolean }) {
  const { choose } = useActions();
  const opening = useGuide((s) => s.opening);
  const recent = useGuide((s) => s.recent);
  const recentRepos = recent.status === 'done' ? recent.value : [];
  return (
    <div className="start">
      <div className={dragging ? 'drop-zone dragging' : 'drop-zone'}>
        <FolderIcon />
        <StepHeading>Drop a repository folder here</StepHeading>
        <p className="muted">Push Doctor finds out why git push to Bitbucket fails, shows you the proof, and fixes it with you. Nothing changes until you say so.</p>
        <button type="button" className="secondary" onClick={() => void choose()} data-primary="" disabled={opening.status === 'running'}>
          Choose folder…
        </button>
      </div>
      {opening.status === 'running' ? <Working>Opening the folder…</Working> : null}
      {opening.status === 'failed' ? <ErrorNote error={opening.error} /> : null}
      {recentRepos.length > 0 ? (
        <section className="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent repositories</h2>
          <ul className="recent-list">
            {recentRepos.map((repo, i) => (
              <RecentItem key={repo.path} repo={repo} index={i} />
            ))}
          </ul>
        </section>
      ) : null}
      {recent.status === 'failed' ? <p className="muted">The list of recent repositories could not be read: {recent.error.message}</p> : null}
    </div>
  );
}
