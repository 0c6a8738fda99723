/** What `ssh -T` answered, as the SSH guide and the add-key screen show it. */
import type { SshVerifyResult } from '../../../app/contract/fixes.js';
import { Evidence } from './common.js';

/** What `ssh -T` answered: Bitbucket's greeting, or the refusal with what ssh said. */
export function VerifyAnswer({ result, onBackToAdd }: { result: SshVerifyResult; onBackToAdd?: () => void }) {
  return (
    <div className={result.ok ? 'note note-ok' : 'note note-error'}>
      <p>
        <span className="note-icon" aria-hidden="true">
          {result.ok ? '✓ ' : '✗ '}
        </span>
        {result.ok ? `Bitbucket answered (${result.host}):` : `Bitbucket did not accept the key (${result.host}):`}
      </p>
      <pre className="mono greeting">{result.message}</pre>
      {!result.ok ? (
        <>
          <p>Check that the public key was saved under Personal settings → SSH keys, then try again.</p>
          {result.evidence.length > 0 ? (
            <details className="why">
              <summary>What ssh said</summary>
              <Evidence lines={result.evidence} />
            </details>
          ) : null}
          {onBackToAdd ? (
            <button type="button" className="link" onClick={onBackToAdd}>
              Back to adding the key
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
