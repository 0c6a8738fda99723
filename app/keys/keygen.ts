import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineContext } from '../context.js';
import type { KeygenResult } from '../contract/fixes.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { run } from '../exec/run.js';
import { isCode } from '../fix/atomic-write.js';
import type { ChangeRecorder } from '../fix/change-recorder.js';
import { ensurePrivateDir, scratchRoot } from '../fix/state-dir.js';
import type { Secret} from '../secrets/secret.js';
import { revealSecret } from '../secrets/secret.js';
import { sha256Fingerprint } from '../ssh/fingerprint.js';

export interface KeyPair {
  /** OpenSSH private key file content (encrypted when a passphrase was given). */
  privateKey: Secret;
  /** "ssh-ed25519 AAAA... comment" */
  publicKey: string;
}

export type KeygenEngine = 'ssh2' | 'ssh-keygen';

export interface GenerateOptions {
  comment: string;
  passphrase: Secret | null;
  /** ssh2 in a worker thread by default; ssh-keygen when ssh2 cannot be loaded (or when asked). */
  engine?: KeygenEngine;
  /**
   * Test seam: path of a module with ssh2's `utils` API to generate with (default: ssh2 itself).
   * The tests pass a wrapper that yields broken keys, to prove every key is checked.
   */
  ssh2Module?: string;
}

/** How many keys ssh2 may generate before giving up (a bad key is about 1 in 256: see the worker). */
export const SSH2_KEYGEN_ATTEMPTS = 8;

/**
 * The worker's code, evaluated (not a separate file): bundlers (esbuild for the CLI, electron-vite
 * for the app) keep it as a string, so there is no worker file path to get wrong. ssh2 is
 * resolved by the parent and required by path. The encryption (bcrypt KDF, pure JS) blocks for a
 * fraction of a second to a second: here it blocks only the worker.
 *
 * ssh2 1.17 strips leading zero bytes from the 32-byte ed25519 public key (keygen.js, "Remove
 * leading zero bytes"), so about 1 key in 256 has a 31-byte public key that neither ssh2 nor
 * OpenSSH can read. Every key is therefore parsed back (with its passphrase) and its public key
 * compared with the public line; a bad one is thrown away and generated again.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { utils } = require(workerData.ssh2Path);
const options = { comment: workerData.comment };
if (workerData.passphrase !== null) {
  options.passphrase = workerData.passphrase;
  options.cipher = 'aes256-ctr';
}
function problem(pair) {
  const parsed = utils.parseKey(pair.private, workerData.passphrase === null ? undefined : workerData.passphrase);
  if (parsed instanceof Error) return parsed.message;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  const blob = String(pair.public).trim().split(' ')[1] || '';
  if (key.type !== 'ssh-ed25519') return 'not an ed25519 key';
  if (key.getPublicSSH().toString('base64') !== blob) return 'the public key does not match the private key';
  // string "ssh-ed25519" (4 + 11) + string key (4 + 32)
  if (Buffer.from(blob, 'base64').length !== 51) return 'the public key is not 32 bytes';
  return null;
}
function generate() {
  const rejected = [];
  for (let attempt = 1; attempt <= workerData.attempts; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', options);
    const why = problem(pair);
    if (why === null) return { privateKey: pair.private, publicKey: pair.public };
    rejected.push(why);
  }
  throw new Error('ssh2 generated no readable key in ' + workerData.attempts + ' attempts (' + rejected.join('; ') + ')');
}
parentPort.postMessage(generate());
`;

function ssh2Path(): string {
  return createRequire(import.meta.url).resolve('ssh2');
}

interface WorkerPair {
  privateKey: string;
  publicKey: string;
}

function generateWithSsh2(options: GenerateOptions): Promise<WorkerPair> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: {
        ssh2Path: options.ssh2Module ?? ssh2Path(),
        comment: options.comment,
        passphrase: options.passphrase ? revealSecret(options.passphrase) : null,
        attempts: SSH2_KEYGEN_ATTEMPTS,
      },
      // The worker needs nothing from the environment.
      env: {},
    });
    let settled = false;
    worker.once('message', (pair: WorkerPair) => {
      settled = true;
      resolve(pair);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`key generation worker exited with code ${code}`));
    });
  });
}

/**
 * ssh-keygen, with the passphrase on stdin: with no terminal (run() gives the child its own
 * session) and stdin not a tty, ssh-keygen reads "Enter passphrase" and its confirmation from
 * stdin. The files are made in a private folder of our state folder, read, and removed.
 */
async function generateWithSshKeygen(ctx: EngineContext, options: GenerateOptions): Promise<{ privateKey: string; publicKey: string }> {
  const tmpRoot = scratchRoot(ctx);
  await ensurePrivateDir(tmpRoot);
  const dir = await mkdtemp(path.join(tmpRoot, 'keygen-'));
  try {
    const file = path.join(dir, 'key');
    const pass = options.passphrase ? revealSecret(options.passphrase) : '';
    const result = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-C', options.comment, '-f', file], {
      env: nonInteractiveEnv(ctx.env),
      timeoutMs: ctx.timeoutMs,
      input: `${pass}\n${pass}\n`,
    });
    if (result.exitCode !== 0) throw new Error(ctx.secrets.redact(`ssh-keygen failed: ${result.stderr.trim() || result.spawnError || `exit ${result.exitCode}`}`));
    return { privateKey: await readFile(file, 'utf8'), publicKey: (await readFile(`${file}.pub`, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Generates an ed25519 key pair without blocking the main thread. */
export async function generateEd25519(ctx: EngineContext, options: GenerateOptions): Promise<KeyPair> {
  if (options.passphrase) ctx.secrets.add(options.passphrase);
  let pair: { privateKey: string; publicKey: string };
  if (options.engine === 'ssh-keygen') pair = await generateWithSshKeygen(ctx, options);
  else {
    try {
      pair = await generateWithSsh2(options);
    } catch (error) {
      if (options.engine === 'ssh2') throw error;
      pair = await generateWithSshKeygen(ctx, options);
    }
  }
  return { privateKey: ctx.secrets.wrap(pair.privateKey), publicKey: pair.publicKey.trim() };
}

/** Base names tried in order; a name is free only when neither the key nor its .pub exists. */
export function keyNameCandidates(): Iterable<string> {
  return (function* () {
    yield 'id_ed25519';
    yield 'id_ed25519_bitbucket';
    for (let n = 2; ; n++) yield `id_ed25519_bitbucket_${n}`;
  })();
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
}

export async function freeKeyName(sshDir: string, skip: ReadonlySet<string> = new Set()): Promise<string> {
  for (const name of keyNameCandidates()) {
    if (skip.has(name)) continue;
    const file = path.join(sshDir, name);
    if (!(await exists(file)) && !(await exists(`${file}.pub`))) return name;
  }
  throw new Error('unreachable');
}

export function defaultKeyComment(ctx: EngineContext): string {
  const user = ctx.env.USER || ctx.env.USERNAME || os.userInfo().username;
  return `${user}@${os.hostname()}`;
}

export interface CreateKeyOptions {
  passphrase?: Secret | null;
  comment?: string;
  /** Default: ~/.ssh of ctx.homeDir. */
  sshDir?: string;
  /** An exact private key path (`push-doctor keygen --file`): used only if neither it nor its .pub exists. */
  file?: string;
  engine?: KeygenEngine;
}

/**
 * Creates a new key pair in ~/.ssh through the change journal (so undo removes it): the folder is
 * created 0700 if missing, the private key 0600 and the public key 0644, both created exclusively
 * under a name no existing file has. An existing key is never replaced.
 */
export async function createKey(ctx: EngineContext, change: ChangeRecorder, options: CreateKeyOptions = {}): Promise<KeygenResult> {
  const sshDir = options.file ? path.dirname(path.resolve(options.file)) : (options.sshDir ?? path.join(ctx.homeDir, '.ssh'));
  if (options.file) {
    for (const existing of [options.file, `${options.file}.pub`]) {
      if (await exists(existing)) throw new Error(`${path.resolve(existing)} already exists; an existing key is never replaced`);
    }
  }
  await change.ensureDir(sshDir, 0o700);
  const pair = await generateEd25519(ctx, { comment: options.comment ?? defaultKeyComment(ctx), passphrase: options.passphrase ?? null, engine: options.engine });
  const tried = new Set<string>();
  for (;;) {
    const name = options.file ? path.basename(options.file) : await freeKeyName(sshDir, tried);
    tried.add(name);
    const privateKeyPath = path.join(sshDir, name);
    const publicKeyPath = `${privateKeyPath}.pub`;
    try {
      await change.createFile(privateKeyPath, revealSecret(pair.privateKey), 0o600);
    } catch (error) {
      // Someone took the name between the check and the create: try the next one (never for an exact --file).
      if (isCode(error, 'EEXIST') && !options.file) continue;
      throw error;
    }
    await change.createFile(publicKeyPath, `${pair.publicKey}\n`, 0o644);
    const blob = pair.publicKey.split(/\s+/)[1] ?? '';
    return { privateKeyPath, publicKeyPath, publicKey: pair.publicKey, fingerprint: sha256Fingerprint(blob) };
  }
}
