import { availableParallelism } from 'node:os';

/**
 * Test files run at once: every core. Vitest's default is one less than the cores, which on a
 * 2-core CI machine runs one file at a time; the tests mostly wait on git, ssh, servers and Chromium.
 */
export const TEST_WORKERS = Math.max(2, availableParallelism());
