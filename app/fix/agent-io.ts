import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import { appleKeychainFlag, appleToolsDir, inspectOpenSsh } from '../env/apple-tools.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run, type RunResult } from '../exec/run.js';
import type { Secret } from '../secrets/secret.js';
import { revealSecret } from '../secrets/secret.js';
import { parseAgentList } from '../ssh/agent.js';
import { sha256Fingerprint } from '../ssh/fingerprint.js';
import { ensurePrivateDir, scratchRoot } from './state-dir.js';

/**
 * ssh-add against ONE agent socket (the one ssh uses for the host), for the add-key-to-agent fix
 * and its undo.
 *
 * The passphrase reaches ssh-add through an askpass helper: with SSH_ASKPASS_REQUIRE=force,
 * ssh-add runs SSH_ASKPASS and reads the passphrase from its output. The helper is a two-line
 * shell script in a private folder of our state folder that copies file descriptor 3 to its
 * output; fd 3 is a pipe that only ssh-add and its askpass child inherit, and we write the
 * passphrase into it. So the passphrase is never on a command line, in a file, or in the
 * environment of any process. A wrong passphrase makes ssh-add ask again: the second read finds
 * the pipe empty, and ssh-add gives up instead of looping.
 */
const ASKPASS_SCRIPT = '#!/bin/sh\nexec cat <&3\n';

function agentEnv(ctx: EngineContext, socket: string): NodeJS.ProcessEnv {
  return { ...nonInteractiveEnv(ctx.env), SSH_AUTH_SOCK: socket };
}

function failure(ctx: EngineContext, what: string, result: RunResult): Error {
  if (result.timedOut) return new Error(`${what}: ${timedOutReason(ctx.timeoutMs)}`);
  const line = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  return new Error(ctx.secrets.redact(`${what}: ${result.spawnError ?? line ?? `exit code ${result.exitCode}`}`));
}

/** Fingerprints the agent holds; null when the agent cannot be reached (gone, or not an agent). */
export async function agentFingerprints(ctx: EngineContext, socket: string): Promise<string[] | null> {
  const result = await run('ssh-add', ['-l', '-E', 'sha256'], { env: agentEnv(ctx, socket), timeoutMs: ctx.timeoutMs });
  if (result.exitCode === 0) return parseAgentList(result.stdout).map((k) => k.fingerprint);
  // ssh-add -l: 1 = no identities, 2 = cannot connect to the agent.
  if (result.exitCode === 1) return [];
  return null;
}

/** A private scratch folder in our state folder, removed afterwards. */
async function withScratch<T>(ctx: EngineContext, work: (dir: string) => Promise<T>): Promise<T> {
  const root = scratchRoot(ctx);
  await ensurePrivateDir(root);
  const dir = await mkdtemp(path.join(root, 'ssh-add-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Apple's ssh-add and its keychain switch (`--apple-use-keychain`, `-K` before Apple OpenSSH 8.6),
 * when `program` (default: the ssh-add on PATH) is Apple's; null for any other ssh-add, where
 * those switches do not exist (or, for `-K`, mean something else).
 */
export async function keychainSshAdd(ctx: EngineContext, program = 'ssh-add'): Promise<{ program: string; flag: string } | null> {
  const build = await inspectOpenSsh(ctx, program);
  const flag = appleKeychainFlag(build);
  return flag && build.program ? { program: build.program, flag } : null;
}

export interface AgentAdd {
  socket: string;
  keyPath: string;
  passphrase: Secret | null;
  /** macOS: also keep the passphrase in the login keychain (only with Apple's ssh-add, see keychainSshAdd). */
  keychain: boolean;
}

/** `ssh-add KEY` with the passphrase through the askpass helper. Throws with ssh-add's reason. */
export async function addKeyToAgent(ctx: EngineContext, add: AgentAdd): Promise<void> {
  await withScratch(ctx, async (dir) => {
    const askpass = path.join(dir, 'askpass');
    await writeFile(askpass, ASKPASS_SCRIPT, { mode: 0o700 });
    await chmod(askpass, 0o700);
    const apple = add.keychain ? await keychainSshAdd(ctx) : null;
    if (add.keychain && !apple) throw new Error("the ssh-add on PATH is not Apple's: it cannot keep the passphrase in the keychain");
    const result = await run(apple?.program ?? 'ssh-add', [...(apple ? [apple.flag] : []), add.keyPath], {
      // OpenSSH before 8.4 ignores SSH_ASKPASS_REQUIRE and runs the askpass only when DISPLAY is set
      // (ssh-add itself never connects to it).
      env: { ...agentEnv(ctx, add.socket), SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ctx.env.DISPLAY || ':0' },
      timeoutMs: ctx.timeoutMs,
      fd3: add.passphrase ? revealSecret(add.passphrase) : '',
    });
    if (result.exitCode !== 0) throw failure(ctx, `ssh-add could not add ${add.keyPath}`, result);
  });
}

export interface AgentRemove {
  socket: string;
  /** "ssh-ed25519 AAAA...": ssh-add -d needs the public key only. */
  publicKey: string;
  keychain: boolean;
}

/** `ssh-add -d` of one public key (written to a scratch file: it is not secret). A key already gone is fine. */
export async function removeKeyFromAgent(ctx: EngineContext, remove: AgentRemove): Promise<void> {
  await withScratch(ctx, async (dir) => {
    const file = path.join(dir, 'key.pub');
    await writeFile(file, `${remove.publicKey}\n`, { mode: 0o600 });
    // The keychain entry goes with Apple's own ssh-add, whatever is first on PATH now.
    const apple = remove.keychain ? await keychainSshAdd(ctx, path.join(appleToolsDir(ctx), 'ssh-add')) : null;
    const result = await run(apple?.program ?? 'ssh-add', [...(apple ? [apple.flag] : []), '-d', file], { env: agentEnv(ctx, remove.socket), timeoutMs: ctx.timeoutMs });
    if (result.exitCode === 0) return;
    // ssh-add says "agent refused operation" for a key that is already gone, and an agent that is gone holds nothing: as good.
    const held = await agentFingerprints(ctx, remove.socket);
    if (held !== null && held.includes(sha256Fingerprint(remove.publicKey.split(' ')[1] ?? ''))) throw failure(ctx, 'ssh-add could not remove the key from the agent', result);
  });
}
