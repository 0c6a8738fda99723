import { createRoot } from 'react-dom/client';

// Placeholder: the guide lands with the guide issue.
createRoot(document.getElementById('root')!).render(<p>Bitbucket Push Doctor</p>);
