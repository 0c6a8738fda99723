/** The slim header: which repository and remote, and where the user is (Diagnose · Fix · Verify). */
import { useGuide } from '../state/context.js';
import { phaseOf, type Phase } from '../state/machine.js';

const PHASES: Array<{ phase: Phase; label: string }> = [
  { phase: 'diagnose', label: 'Diagnose' },
  { phase: 'fix', label: 'Fix' },
  { phase: 'verify', label: 'Verify' },
];

export function Header() {
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
    </header>
  );
}
