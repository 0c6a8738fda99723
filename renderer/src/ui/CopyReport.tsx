/** "Copy report": main writes the redacted Markdown report to the clipboard; if the clipboard refuses, it is shown to select. */
import { useEffect, useRef } from 'react';
import { useActions, useGuide } from '../state/context.js';
import { CopiedMark, ErrorNote, useCopiedFlash } from './common.js';

export function CopyReport() {
  const { copyReport } = useActions();
  const report = useGuide((s) => s.ops.report);
  const [copiedShown, flash] = useCopiedFlash();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fallback = report.status === 'done' && !report.value.copied ? report.value.text : null;

  useEffect(() => {
    // The clipboard refused: put the text in front of the user, selected, ready for Ctrl+C.
    if (fallback !== null) {
      textRef.current?.focus();
      textRef.current?.select();
    }
  }, [fallback]);

  const onCopy = async () => {
    if (await copyReport()) flash();
  };

  return (
    <div className="copy-report">
      <div className="copy-row">
        <button type="button" className="secondary" onClick={() => void onCopy()} disabled={report.status === 'running'}>
          Copy report
        </button>
        <CopiedMark shown={copiedShown} />
      </div>
      {report.status === 'failed' ? <ErrorNote error={report.error} /> : null}
      {fallback !== null ? (
        <div className="field">
          <label htmlFor="report-text">Report for a support ticket: copying is not available here, so select it and copy it</label>
          <textarea id="report-text" className="mono report-text" readOnly value={fallback} rows={8} ref={textRef} />
        </div>
      ) : null}
    </div>
  );
}
