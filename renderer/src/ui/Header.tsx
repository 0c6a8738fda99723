/** The slim header: which repository and remote, where the user is (Diagnose · Fix · Verify), and Settings. */
import { useActions, useGuide } from '../state/context.js';
import type { Phase } from '../state/guide-state.js';
import { phaseOf } from '../state/selectors.js';

const PHASES: Array<{ phase: Phase; label: string }> = [
  { phase: 'diagnose', label: 'Diagnose' },
  { phase: 'fix', label: 'Fix' },
  { phase: 'verify', label: 'Verify' },
];

function GearIcon() {
  return (
    <svg className="header-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="3.2" fill="none" stroke="currentColor" strokeWidth="2" />
      <path
        d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function Header() {
  const { openSettings } = useActions();
  const onSettings = useGuide((s) => s.screen.name === 'settings');
  const repo = useGuide((s) => s.repo);
  const remoteName = useGuide((s) => (s.repo ? (s.guides[s.repo.path]?.remote ?? null) : null));
  const phase = useGuide(phaseOf);
  const onStart = useGuide((s) => s.screen.name === 'start');
  const remote = repo ? (repo.remotes.find((r) => r.name === remoteName) ?? repo.remotes[0]) : undefined;
  const current = PHASES.findIndex((p) => p.phase === phase);
  return (
    <header className="app-header">
      <div className="header-repo">
        {repo && !onStart ? (
          <>
            <span className="repo-name">{repo.name}</span>
            <span className="repo-remote mono">{remote ? `${remote.name} → ${remote.url}` : 'no remote'}</span>
          </>
        ) : (
          <span className="repo-name">Bitbucket Push Doctor</span>
        )}
      </div>
      <div className="header-end">
        {onSettings ? null : (
          <nav aria-label="Progress">
            <ol className="phases">
              {PHASES.map((p, i) => (
                <li key={p.phase} className={i === current ? 'phase current' : i < current ? 'phase past' : 'phase'} aria-current={i === current ? 'step' : undefined}>
                  {p.label}
                  {i < current ? <span className="visually-hidden"> (done)</span> : null}
                </li>
              ))}
            </ol>
          </nav>
        )}
        <button type="button" className="header-button" onClick={openSettings} aria-current={onSettings ? 'page' : undefined}>
          <GearIcon />
          Settings
        </button>
      </div>
    </header>
  );
}
