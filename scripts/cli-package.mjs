// Prepares packages/cli for `npm pack` / `npm publish` (its prepack): the npm package
// `bitbucket-push-doctor`, whose one command is `push-doctor` (`npx bitbucket-push-doctor diagnose`):
// dist/push-doctor.mjs and dist/chunks/ (the CLI bundle, no source maps), and the project's README.md and LICENSE.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCli, PROJECT_ROOT } from './build-cli.mjs';

const PACKAGE_DIR = path.join(PROJECT_ROOT, 'packages', 'cli');

await buildCli({ outdir: path.join(PACKAGE_DIR, 'dist'), sourcemap: false });
for (const file of ['README.md', 'LICENSE']) await copyFile(path.join(PROJECT_ROOT, file), path.join(PACKAGE_DIR, file));
