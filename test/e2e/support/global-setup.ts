// The e2e tests serve the production renderer bundle: build it first when it is missing or stale.
import { ensureRendererBuilt } from '../../../scripts/preview/renderer-build.js';

export default async function setup(): Promise<void> {
  await ensureRendererBuilt();
}
