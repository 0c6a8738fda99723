import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PushDoctorApi } from '../../app/contract/channels.js';
import { GuideProvider } from './state/context.js';
import { createGuideStore } from './state/store.js';
import { App } from './ui/App.js';
import './styles/app.css';

declare global {
  interface Window {
    /** The typed bridge from the preload (Electron) or the browser preview. */
    pushDoctor?: PushDoctorApi;
  }
}

const root = createRoot(document.getElementById('root')!);
const api = window.pushDoctor;
if (api) {
  root.render(
    <StrictMode>
      <GuideProvider store={createGuideStore(api)}>
        <App />
      </GuideProvider>
    </StrictMode>,
  );
} else {
  root.render(
    <main className="content">
      <h1>Push Doctor could not start its engine.</h1>
      <p>Close the window and open Push Doctor again.</p>
    </main>,
  );
}
