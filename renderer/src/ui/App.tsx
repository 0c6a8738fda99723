/**
 * The window: header, the current screen, the live region. The whole window accepts a dropped
 * folder; Enter runs the screen's primary action (when focus is not on another control) and Escape
 * goes back.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useGuide, useGuideStore } from '../state/context.js';
import type { Screen } from '../state/guide-state.js';
import { screenKey } from '../state/selectors.js';
import { AccountConnectScreen } from './AccountConnect.js';
import { AccountKeyScreen } from './AccountKey.js';
import { DiagnosisScreen } from './Diagnosis.js';
import { DoneScreen } from './DoneScreen.js';
import { FixScreen } from './FixScreen.js';
import { Header } from './Header.js';
import { HttpsGuide } from './HttpsGuide.js';
import { SettingsScreen } from './SettingsScreen.js';
import { SshGuide } from './SshGuide.js';
import { StartScreen } from './StartScreen.js';
import { TrustScreen } from './TrustScreen.js';

const CONTROLS = 'button, a[href], input, textarea, select, summary, [contenteditable="true"]';

/** Enter belongs to the focused control, except in a lone field (not in a form): there it confirms the step. */
function enterIsOurs(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return true;
  if (target instanceof HTMLInputElement && !target.form) return true;
  return target.closest(CONTROLS) === null;
}

function CurrentScreen({ screen, dragging }: { screen: Screen; dragging: boolean }) {
  switch (screen.name) {
    case 'start':
      return <StartScreen dragging={dragging} />;
    case 'diagnosis':
      return <DiagnosisScreen />;
    case 'fix':
      return <FixScreen fixId={screen.fixId} />;
    case 'https':
      return <HttpsGuide step={screen.step} />;
    case 'ssh':
      return <SshGuide step={screen.step} />;
    case 'done':
      return <DoneScreen />;
    case 'trust':
      return <TrustScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'account':
      return <AccountConnectScreen {...(screen.site ? { site: screen.site } : {})} />;
    case 'account-key':
      return <AccountKeyScreen />;
  }
}

export function App() {
  const store = useGuideStore();
  const screen = useGuide((s) => s.screen);
  const announcement = useGuide((s) => s.announcement);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);

  useEffect(() => store.getState().init(), [store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        store.getState().back();
      } else if (e.key === 'Enter' && enterIsOurs(e.target)) {
        const primary = document.querySelector<HTMLButtonElement>('main [data-primary]:not(:disabled):not([aria-disabled="true"])');
        if (primary) {
          e.preventDefault();
          primary.click();
        }
      }
    };
    // A drop that misses the app must not make the window navigate to the file.
    const swallow = (e: Event) => e.preventDefault();
    document.addEventListener('keydown', onKey);
    window.addEventListener('dragover', swallow);
    window.addEventListener('drop', swallow);
    return () => {
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', swallow);
      window.removeEventListener('drop', swallow);
    };
  }, [store]);

  const onDragEnter = (e: DragEvent) => {
    e.preventDefault();
    dragDepth.current += 1;
    setDragging(true);
  };
  const onDragLeave = () => {
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    void store.getState().drop(Array.from(e.dataTransfer?.files ?? []));
  };

  return (
    <div className={dragging ? 'app dragging' : 'app'} onDragEnter={onDragEnter} onDragOver={(e) => e.preventDefault()} onDragLeave={onDragLeave} onDrop={onDrop}>
      <Header />
      <main className="content" key={screenKey(screen)}>
        <CurrentScreen screen={screen} dragging={dragging} />
      </main>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
