/**
 * The crash sweep: for one scenario, a first run of the fix and of its undo records the write
 * points they pass (app/fix/write-points.ts, through crash-hook.mjs); then for each point, one run
 * of the real process is SIGKILLed exactly there, and the sweep checks what the issue asks:
 * - right after the kill, every file the fix touches is byte for byte its old or its new self
 *   (modes included: 0600 keys, 0700 ~/.ssh); the journal is readable;
 * - on the next start (`history`, `undo`, another `fix`, or the app's start, taken in turn) the
 *   interrupted change is finished and undoable, or rolled back: the home is entirely the old or
 *   entirely the new one, the journal says which, no temp file is left beside the user's files,
 *   and the state folder holds nothing no journal entry needs;
 * - `undo` then gives back the home of before the fix, byte for byte (files, keyring items, the
 *   agent's keys, the keys on the Bitbucket account).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, lstat, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createContext, type EngineContext } from '../../../app/context.js';
import { undoLastFix } from '../../../app/fix/registry.js';
import { engineServices } from '../../../app/service/engine-wiring.js';
import { recoverAtStart } from '../../../app/service/recovery.js';
import { readJournal, type JournalFile } from '../../../app/fix/journal-store.js';
import { scratchRoot, statePaths } from '../../../app/fix/state-dir.js';
import { undoSecretsDir } from '../../../app/fix/undo-secrets.js';
import type { WritePoint } from '../../../app/fix/write-points.js';
import { CLI } from '../../support/cli.js';
import { PLANTED, type CrashWorld, type Prepared } from './scenarios.js';

const exec = promisify(execFile);
const HOOK = pathToFileURL(fileURLToPath(new URL('./crash-hook.mjs', import.meta.url))).href;
const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));
/** tsx's loader by absolute URL: the driver runs in the test home, where no node_modules is. */
const TSX = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../node_modules/tsx/dist/loader.mjs')).href;
/** A temp file of atomic-write.ts: `.<name>.push-doctor-<pid>-<hex>.tmp`. */
const TEMP_FILE = /\.push-doctor-\d+-[0-9a-f]+\.tmp$/;

export interface PointHit {
  point: WritePoint;
  /** The how-many-th time the process reached this point. */
  n: number;
  /** What was about to change there. */
  target: string;
}

export interface Recording {
  fix: PointHit[];
  undo: PointHit[];
  before: HomeState;
  after: HomeState;
}

/** What the next start after the kill is. */
export type NextStart = 'history' | 'undo' | 'fix' | 'app start';
export const NEXT_STARTS: readonly NextStart[] = ['history', 'undo', 'fix', 'app start'];

export interface CrashCase {
  /** Killed while applying the fix, or while undoing it. */
  phase: 'fix' | 'undo';
  at: PointHit;
  next: NextStart;
}

export interface CaseOutcome {
  /** What the next start left: the fix finished (undoable) or the home as before. */
  state: 'finished' | 'rolled back';
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// ---- Running push-doctor -------------------------------------------------------------------------

/** Runs push-doctor (the CLI, or the driver for seam fixes) with the crash hook loaded. */
function runPushDoctor(world: CrashWorld, args: string[], options: { input?: string; crashAt?: PointHit; log?: string } = {}): Promise<Run> {
  const argv = world.runner === 'cli' ? ['--import', HOOK, CLI, ...args] : ['--import', TSX, '--import', HOOK, DRIVER, ...args];
  const env: NodeJS.ProcessEnv = { ...world.env };
  if (world.runner === 'driver') env.PUSH_DOCTOR_TEST_SEAMS = JSON.stringify(world.seams);
  if (options.log) env.PUSH_DOCTOR_CRASH_LOG = options.log;
  if (options.crashAt) env.PUSH_DOCTOR_CRASH_AT = `${options.crashAt.point}:${options.crashAt.n}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, cwd: world.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

function describeRun(what: string, run: Run): string {
  return `${what}: exit ${run.code ?? run.signal}\n${run.stdout}${run.stderr}`;
}

async function readHits(file: string): Promise<PointHit[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PointHit);
}

/** Applies the fix without a crash; fails with push-doctor's output when it does not apply. */
async function applyFully(world: CrashWorld, prepared: Prepared, log?: string): Promise<void> {
  const run = await runPushDoctor(world, prepared.fix, { input: prepared.input, log });
  if (run.code !== 0) throw new Error(describeRun(`push-doctor ${prepared.fix[0]} did not apply`, run));
  assertNoSecret(run);
}

/** The engine context the world's push-doctor runs with (its environment, and the driver's seams). */
function contextOf(world: CrashWorld): EngineContext {
  return { ...createContext({ env: world.env }), ...world.seams };
}

/**
 * Undoes every fix the journal has, through the engine (`push-doctor undo` is a thin wrapper of
 * undoLastFix; the killed runs and the next starts are the real processes).
 */
async function undoAll(world: CrashWorld): Promise<void> {
  const ctx = contextOf(world);
  while ((await journalOf(world)).entries.length) {
    const result = await undoLastFix(ctx);
    if (!result.undone) throw new Error(`undo failed: ${result.message}`);
    if (result.message.includes(PLANTED)) throw new Error(`a planted secret reached undo's message: ${result.message}`);
  }
}

function assertNoSecret(run: Run): void {
  if (`${run.stdout}${run.stderr}`.includes(PLANTED)) throw new Error(`a planted secret reached push-doctor's output:\n${run.stdout}${run.stderr}`);
}

// ---- What the home looks like --------------------------------------------------------------------

/** The user's side of the world: files (with modes), keyring items, and what the fix changes elsewhere. */
export interface HomeState {
  /** Relative path (roots other than the home prefixed with their name) → "dir 700" / "file 600 <sha256>". */
  files: Record<string, string>;
  /** Temp files of a killed writer, beside the user's files. */
  temps: string[];
  keyring: string[];
  outside: string[];
}

const KEY_NAME = /(^|\/)id_ed25519[\w.-]*$/;

/** Files of the home and the world's other roots; a new key file (random each run) is checked whole and compared by kind. */
export async function homeState(world: CrashWorld, before?: HomeState): Promise<HomeState> {
  const files: Record<string, string> = {};
  const temps: string[] = [];
  const bed = world.bed;
  const ignored = new Set([
    ...world.ignored,
    path.join(bed.home.dir, '.local', 'share', 'keyrings'),
    path.join(bed.home.dir, '.cache', 'git', 'credential'),
  ]);
  async function walk(root: string, prefix: string, dir: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const rel = `${prefix}${path.relative(root, full)}`;
      if (ignored.has(full)) {
        // A repository's object store changes with every git command; its config is what fixes touch.
        if (name === '.git') await file(path.join(full, 'config'), `${rel}/config`);
        continue;
      }
      if (TEMP_FILE.test(name)) {
        temps.push(rel);
        continue;
      }
      const info = await lstat(full);
      if (info.isDirectory()) {
        files[rel] = `dir ${(info.mode & 0o7777).toString(8)}`;
        await walk(root, prefix, full);
      } else await file(full, rel);
    }
  }
  async function file(full: string, rel: string): Promise<void> {
    const info = await lstat(full).catch(() => null);
    if (!info?.isFile()) return;
    const mode = (info.mode & 0o7777).toString(8);
    const bytes = await readFile(full);
    if (before && !(rel in before.files) && KEY_NAME.test(rel)) files[rel] = `file ${mode} ${await wholeKey(full, bytes)}`;
    else files[rel] = `file ${mode} ${sha(bytes)}`;
  }
  await walk(bed.home.dir, '', bed.home.dir);
  for (const [name, root] of Object.entries(world.roots)) await walk(root, `${name}:`, root);
  const keyring = (await bed.keyringItems()).map((line) => line.replace(/undo-[a-z0-9]+-[0-9a-f]{12}/g, 'undo-REF'));
  return { files, temps, keyring, outside: await world.outside() };
}

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** "private key (whole)" when ssh-keygen loads it, "public key (whole)" for a complete line; otherwise the bytes' hash (never equal to a whole key). */
async function wholeKey(file: string, bytes: Buffer): Promise<string> {
  const text = bytes.toString('utf8');
  if (/^ssh-ed25519 [A-Za-z0-9+/]+=* \S.*\n$/.test(text)) return 'public key (whole)';
  if (/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/.test(text)) {
    const loaded = await exec('ssh-keygen', ['-y', '-P', '', '-f', file]).then(
      () => true,
      () => false,
    );
    if (loaded) return 'private key (whole)';
  }
  return `broken ${sha(bytes)}`;
}

function sameHome(a: HomeState, b: HomeState): boolean {
  return JSON.stringify([a.files, a.keyring, a.outside]) === JSON.stringify([b.files, b.keyring, b.outside]);
}

/** The paths (and other state) where two homes differ, for a failure message. */
function difference(a: HomeState, b: HomeState): string[] {
  const out: string[] = [];
  for (const p of new Set([...Object.keys(a.files), ...Object.keys(b.files)])) if (a.files[p] !== b.files[p]) out.push(`${p}: ${a.files[p] ?? 'absent'} ≠ ${b.files[p] ?? 'absent'}`);
  if (JSON.stringify(a.keyring) !== JSON.stringify(b.keyring)) out.push(`keyring: ${JSON.stringify(a.keyring)} ≠ ${JSON.stringify(b.keyring)}`);
  if (JSON.stringify(a.outside) !== JSON.stringify(b.outside)) out.push(`outside: ${JSON.stringify(a.outside)} ≠ ${JSON.stringify(b.outside)}`);
  return out;
}

/** Right after a kill: each file is its old or its new self (or absent where it was absent), never anything else. */
function expectWholeFiles(now: HomeState, old: HomeState, neu: HomeState): void {
  const broken: string[] = [];
  for (const p of new Set([...Object.keys(now.files), ...Object.keys(old.files), ...Object.keys(neu.files)])) {
    if (now.files[p] !== old.files[p] && now.files[p] !== neu.files[p]) broken.push(`${p}: ${now.files[p] ?? 'absent'} (old: ${old.files[p] ?? 'absent'}, new: ${neu.files[p] ?? 'absent'})`);
  }
  if (broken.length) throw new Error(`after the kill, files that are neither old nor new:\n  ${broken.join('\n  ')}`);
}

// ---- The state folder ----------------------------------------------------------------------------

function journalOf(world: CrashWorld): Promise<JournalFile> {
  return readJournal(statePaths({ stateDir: world.stateDir }));
}

async function filesUnder(root: string): Promise<Array<{ rel: string; dir: boolean; mode: number }>> {
  const out: Array<{ rel: string; dir: boolean; mode: number }> = [];
  async function walk(dir: string): Promise<void> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const full = path.join(dir, name);
      const info = await lstat(full);
      out.push({ rel: path.relative(root, full), dir: info.isDirectory(), mode: info.mode & 0o7777 });
      if (info.isDirectory()) await walk(full);
    }
  }
  await walk(root);
  return out;
}

/**
 * After a start: no lock, no scratch folder, no temp file; every entry committed; the backups and
 * undo secrets exactly those the entries refer to; folders 0700 and files 0600.
 */
async function expectCleanStateFolder(world: CrashWorld): Promise<JournalFile> {
  const journal = await journalOf(world);
  const problems: string[] = [];
  for (const entry of journal.entries) if (entry.state !== 'committed') problems.push(`entry ${entry.fixId} is ${entry.state}`);
  const wanted = new Set(['journal.json']);
  const hasBackups = journal.entries.some((e) => e.steps.some((s) => (s.kind === 'file' && s.backup?.in === 'file') || s.kind === 'acl'));
  if (hasBackups) wanted.add('backups');
  for (const entry of journal.entries) {
    for (const step of entry.steps) {
      if (step.kind === 'file' && step.backup?.in === 'file') wanted.add(path.join('backups', entry.id)).add(path.join('backups', entry.id, step.backup.name));
      if (step.kind === 'file' && step.backup?.in === 'undo-secrets') wanted.add(path.join('undo-secrets', step.backup.ref));
      if (step.kind === 'credential' && step.keptIn === 'state-folder') for (const ref of [step.beforeRef, step.afterRef]) if (ref) wanted.add(path.join('undo-secrets', ref));
    }
  }
  const present = await filesUnder(world.stateDir);
  for (const f of present) {
    // The folders themselves may stay, empty and 0700 (backups, undo secrets, scratch).
    const folder = f.dir && [path.relative(world.stateDir, undoSecretsDir(world.stateDir)), 'backups', path.relative(world.stateDir, scratchRoot(world))].includes(f.rel);
    if (!wanted.has(f.rel) && !folder) problems.push(`left in the state folder: ${f.rel}`);
    if (f.mode !== (f.dir ? 0o700 : 0o600)) problems.push(`${f.rel} has mode ${f.mode.toString(8)}`);
  }
  for (const rel of wanted) if (!present.some((f) => f.rel === rel) && rel !== 'journal.json') problems.push(`missing from the state folder: ${rel}`);
  if (problems.length) throw new Error(`state folder after the next start:\n  ${problems.join('\n  ')}`);
  return journal;
}

// ---- One scenario --------------------------------------------------------------------------------

/** Runs the fix and its undo once without a crash, recording their write points and the homes before and after. */
export async function record(prepared: Prepared): Promise<Recording> {
  const { world } = prepared;
  const logs = await mkdtemp(path.join(os.tmpdir(), 'crash-log-'));
  try {
    const before = await homeState(world);
    await applyFully(world, prepared, path.join(logs, 'fix'));
    const after = await homeState(world, before);
    await expectCleanStateFolder(world);
    const undo = await runPushDoctor(world, ['undo', '--json'], { log: path.join(logs, 'undo') });
    if (undo.code !== 0) throw new Error(describeRun('undo of the recorded fix failed', undo));
    const back = await homeState(world, before);
    if (!sameHome(back, before)) throw new Error(`undo of the recorded fix did not give the home back:\n  ${difference(back, before).join('\n  ')}`);
    await rm(world.stateDir, { recursive: true, force: true });
    return { fix: await readHits(path.join(logs, 'fix')), undo: await readHits(path.join(logs, 'undo')), before, after };
  } finally {
    await rm(logs, { recursive: true, force: true });
  }
}

/** The next start after the kill, as a user or the app would make it. */
async function nextStart(world: CrashWorld, prepared: Prepared, next: NextStart): Promise<void> {
  if (next === 'app start') {
    // What the app does when it starts (main/lifecycle.ts): recover, with the journal's users waiting for it.
    const warnings: string[] = [];
    const engine = recoverAtStart(engineServices(), contextOf(world), { info: () => {}, warn: (line) => warnings.push(line) });
    await engine.history(contextOf(world));
    if (warnings.length) throw new Error(`the app start could not recover: ${warnings.join('; ')}`);
    return;
  }
  const args = next === 'fix' ? prepared.fix : [next, '--json'];
  const run = await runPushDoctor(world, args, { input: next === 'fix' ? prepared.input : undefined });
  assertNoSecret(run);
  const refused = next === 'fix' && run.code === 1 && prepared.refusesAgain?.test(run.stderr) === true;
  const fine = next === 'undo' ? run.code === 0 || run.code === 1 : run.code === 0 || refused;
  if (!fine || run.signal) throw new Error(describeRun(`the next start (${next}) failed`, run));
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr)) throw new Error(describeRun(`the next start (${next}) printed a stack trace`, run));
}

/**
 * One case: a fresh state folder, (for an undo case the fix applied first), the process killed at
 * the point, the checks of the module comment, and the home given back by undo. The world is left
 * as it was before the case, so the next case can use it.
 */
export async function runCase(prepared: Prepared, recording: Recording, crash: CrashCase): Promise<CaseOutcome> {
  const { world } = prepared;
  await rm(world.stateDir, { recursive: true, force: true });
  const logs = await mkdtemp(path.join(os.tmpdir(), 'crash-log-'));
  try {
    const [old, neu] = crash.phase === 'fix' ? [recording.before, recording.after] : [recording.after, recording.before];
    if (crash.phase === 'undo') await applyFully(world, prepared);
    const log = path.join(logs, 'killed');
    const args = crash.phase === 'fix' ? prepared.fix : ['undo', '--json'];
    const killed = await runPushDoctor(world, args, { input: crash.phase === 'fix' ? prepared.input : undefined, crashAt: crash.at, log });
    assertNoSecret(killed);
    const hits = await readHits(log);
    const last = hits.at(-1);
    if (killed.signal !== 'SIGKILL' || last?.point !== crash.at.point || last.n !== crash.at.n) {
      throw new Error(describeRun(`the run was not killed at ${crash.at.point}:${crash.at.n} (last point: ${last ? `${last.point}:${last.n}` : 'none'})`, killed));
    }

    // Right after the kill.
    expectWholeFiles(await homeState(world, recording.before), old, neu);
    await journalOf(world).catch((error: unknown) => Promise.reject(new Error(`the journal is not readable after the kill: ${(error as Error).message}`)));

    // The next start.
    await nextStart(world, prepared, crash.next);
    const started = await homeState(world, recording.before);
    if (started.temps.length) throw new Error(`temp files left beside the user's files after the next start: ${started.temps.join(', ')}`);
    const journal = await expectCleanStateFolder(world);
    const committed = journal.entries.filter((e) => e.fixId === fixIdOf(prepared)).length;
    const state = sameHome(started, recording.after) ? 'finished' : sameHome(started, recording.before) ? 'rolled back' : null;
    if (!state) throw new Error(`after the next start (${crash.next}) the home is neither as before nor as after the fix:\n  before: ${difference(started, recording.before).join('\n    ')}\n  after: ${difference(started, recording.after).join('\n    ')}`);
    if (state === 'finished' && committed !== 1) throw new Error(`the fix is in effect after the next start (${crash.next}) but the journal has ${committed} entries for it: it could not be undone`);
    if (state === 'rolled back' && committed !== 0) throw new Error(`the home is as before after the next start (${crash.next}) but the journal still has the fix`);
    if (crash.next === 'fix' && state !== 'finished') throw new Error('applying the fix again after the crash did not leave it applied');
    if (crash.next === 'undo' && state !== 'rolled back') throw new Error('undo after the crash did not give the home back');

    // Undo gives back the home of before the fix.
    await undoAll(world);
    const back = await homeState(world, recording.before);
    if (!sameHome(back, recording.before)) throw new Error(`undo did not give the home back:\n  ${difference(back, recording.before).join('\n  ')}`);
    if (back.temps.length) throw new Error(`temp files left: ${back.temps.join(', ')}`);
    const emptied = await expectCleanStateFolder(world);
    if (emptied.entries.length) throw new Error(`the journal still has ${emptied.entries.length} entries after undo`);
    return { state };
  } finally {
    await rm(logs, { recursive: true, force: true });
  }
}

/** The fix id of the journal entry the prepared command makes. */
function fixIdOf(prepared: Prepared): string {
  return prepared.fix[0] === 'keygen' ? 'ssh.generate-key' : prepared.fix[1]!;
}

/** Every case of a recording: one per point of the fix and one per point of its undo, the next starts taken in turn. */
export function casesOf(recording: Recording): CrashCase[] {
  const all = [...recording.fix.map((at) => ({ phase: 'fix' as const, at })), ...recording.undo.map((at) => ({ phase: 'undo' as const, at }))];
  return all.map((c, i) => ({ ...c, next: NEXT_STARTS[i % NEXT_STARTS.length]! }));
}
