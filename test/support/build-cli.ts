// vitest globalSetup: the CLI tests run the real bundled command, so bundle the current sources first.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export default async function setup(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-cli.mjs']);
}
