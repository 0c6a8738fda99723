/**
 * Started by the login-shell tests under `env -i` (a launcher-like environment: HOME, a short PATH,
 * nothing else), like the desktop app from Finder: asks for the user environment the way main does
 * at start (twice, to show the shell runs once), builds the engine context from it, and lets the
 * engine run git and ask the agent. Prints one JSON line.
 */
import { createContext } from '../../app/context.js';
import { describeOutcome } from '../../app/env/login-shell.js';
import { userEnvironment } from '../../app/env/user-environment.js';
import { git } from '../../app/git/git.js';
import { inspectAgent } from '../../app/ssh/agent.js';

const first = await userEnvironment();
const second = await userEnvironment();
const ctx = createContext({ env: first.env, timeoutMs: 10_000 });
const version = await git(ctx, ['--version']);
const agent = await inspectAgent(ctx, null);
process.stdout.write(
  `${JSON.stringify({
    launcherEnv: Object.keys(process.env).sort(),
    sameAnswer: first === second,
    outcome: first.outcome,
    log: describeOutcome(first.outcome),
    path: ctx.env.PATH,
    gitVersion: version.stdout.trim() || version.spawnError,
    agent: { status: agent.status, socket: agent.socket },
    homebrew: ctx.env.HOMEBREW_PREFIX ?? null,
    proxy: ctx.env.https_proxy ?? null,
  })}\n`,
);
