/**
 * Before checking a repository whose own git config names commands: what would run, where it is
 * configured, and the choice. Not trusting is the primary (Enter) action: the checks then run
 * without those commands and say which ones needed them.
 */
import type { RepoCommand } from '../../../app/contract/channels.js';
import { repoCommandRole } from '../../../app/contract/trust.js';
import { useActions, useGuide } from '../state/context.js';
import { Actions, ErrorNote, PrimaryButton, StepHeading, Working } from './common.js';

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One command: what git uses it for, the command itself, and the setting and file it comes from. */
export function RepoCommandItem({ command }: { command: RepoCommand }) {
  return (
    <li className="repo-command">
      <span className="repo-command-role">{sentence(repoCommandRole(command.kind))}</span>
      <code className="repo-command-value mono">{command.command}</code>
      <span className="repo-command-origin muted">
        Set by <span className="mono">{command.key}</span>
        {command.file ? (
          <>
            {' '}
            in <span className="mono">{command.file}</span>
          </>
        ) : null}
      </span>
    </li>
  );
}

export function TrustScreen() {
  const { back, checkWithoutTrust, trustAndCheck } = useActions();
  const repo = useGuide((s) => s.repo);
  const trust = useGuide((s) => s.ops.trust);
  if (!repo) return null;
  const running = trust.status === 'running';
  const many = repo.repoCommands.length > 1;
  return (
    <div className="screen">
      <StepHeading>{repo.name} wants to run {many ? 'commands' : 'a command'} of its own</StepHeading>
      <p>
        This repository’s own git settings name {many ? 'programs' : 'a program'} that git would run while Push Doctor checks it. {many ? 'They come' : 'It comes'} from the
        repository, not from your settings: a folder from an archive or a colleague can name any program there, and it would run with your permissions.
      </p>
      <ul className="repo-commands" aria-label="Commands this repository names">
        {repo.repoCommands.map((command) => (
          <RepoCommandItem key={command.id} command={command} />
        ))}
      </ul>
      <p>
        Trust the repository only if you know where it comes from. Without trust, Push Doctor checks everything else and tells you which checks needed{' '}
        {many ? 'these commands' : 'this command'}. You can take the trust back in Settings at any time.
      </p>
      {running ? <Working>Trusting {repo.name}…</Working> : null}
      {trust.status === 'failed' ? <ErrorNote error={trust.error} hint="The list above shows what the repository names now." /> : null}
      <Actions onBack={back} backLabel="Choose another repository">
        <button type="button" className="secondary" onClick={() => void trustAndCheck()} disabled={running}>
          Trust this repository and check
        </button>
        <PrimaryButton onClick={() => void checkWithoutTrust()} busy={running}>
          Check without running {many ? 'them' : 'it'}
        </PrimaryButton>
      </Actions>
    </div>
  );
}
