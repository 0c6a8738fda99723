/** Buttons that leave the app for a moment: open a page in the browser, copy the public key or its fingerprint. */
import type { ReactNode } from 'react';
import type { ExternalTarget } from '../../../app/contract/channels.js';
import { useActions, useGuide } from '../state/context.js';
import { CopiedMark, ErrorNote, useCopiedFlash } from './common.js';

/** Opens an allow-listed page through the main process and says which address it opened. */
export function OpenPageButton({ target, children }: { target: ExternalTarget; children: ReactNode }) {
  const { openExternal } = useActions();
  const external = useGuide((s) => s.ops.external);
  return (
    <div className="open-page">
      <button type="button" className="secondary" onClick={() => void openExternal(target)} disabled={external.status === 'running'}>
        {children}
        <span className="visually-hidden"> (opens your browser)</span>
      </button>
      {external.status === 'done' ? (
        <p className="muted">
          {external.value.opened ? 'Opened in your browser:' : 'Open this address in your browser:'} <span className="mono url">{external.value.url}</span>
        </p>
      ) : null}
      {external.status === 'failed' ? <ErrorNote error={external.error} /> : null}
    </div>
  );
}

/** One click puts the public key on the clipboard; "Copied" shows for two seconds. */
export function CopyKeyButton() {
  const { copyPublicKey } = useActions();
  const copy = useGuide((s) => s.ops.copyKey);
  const [shown, flash] = useCopiedFlash();
  const onCopy = async () => {
    if (await copyPublicKey()) flash();
  };
  return (
    <div className="copy-row">
      <button type="button" className="secondary" onClick={() => void onCopy()} disabled={copy.status === 'running'}>
        Copy public key
      </button>
      <CopiedMark shown={shown} />
      {copy.status === 'failed' ? <ErrorNote error={copy.error} hint="Select the key above and copy it with Ctrl+C (⌘C on a Mac)." /> : null}
      {copy.status === 'done' && !copy.value.copied ? <p className="muted">Could not copy. Select the key above and copy it with Ctrl+C (⌘C on a Mac).</p> : null}
    </div>
  );
}

/** Copies a key's fingerprint, to compare with the one Bitbucket lists next to the key. */
export function CopyFingerprintButton({ fingerprint }: { fingerprint: string }) {
  const { copyFingerprint } = useActions();
  const [shown, flash] = useCopiedFlash();
  const onCopy = async () => {
    if (await copyFingerprint(fingerprint)) flash();
  };
  return (
    <span className="copy-inline">
      <button type="button" className="link" onClick={() => void onCopy()}>
        Copy fingerprint
      </button>
      <CopiedMark shown={shown} />
    </span>
  );
}
