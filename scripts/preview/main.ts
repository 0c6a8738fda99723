/**
 * `npm run preview:web`: builds the renderer if needed and serves it with the real engine on
 * 127.0.0.1, for development in a normal browser. Prints the address with this run's token.
 * Options: --port N (default: a free port), --state-dir DIR (default: a temporary folder),
 * --bitbucket-host HOST (repeatable). Ctrl+C stops it.
 */
import { parseArgs } from 'node:util';
import { ensureRendererBuilt } from './renderer-build.js';
import { startPreviewServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'state-dir': { type: 'string' },
    'bitbucket-host': { type: 'string', multiple: true },
  },
});

await ensureRendererBuilt({ log: (line) => console.log(line) });
const server = await startPreviewServer({
  port: values.port ? Number.parseInt(values.port, 10) : 0,
  stateDir: values['state-dir'],
  bitbucketHosts: values['bitbucket-host'],
});
console.log(`Push Doctor preview (development only, real engine, this computer's git and ssh):

  ${server.url}

Open that address in Chromium or Firefox; the token after # is this run's key.
No folder dialog in a browser: drop a folder from the console with
  pushDoctorPreview.drop(['/path/to/repo'])
Pages are recorded, not opened; the clipboard is kept in memory. Ctrl+C stops the server.`);

const shutdown = () => {
  void server.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
