import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_USAGES } from '../../app/cli/cli.js';
import { FIX_IDS, type DiagnoseReport } from '../../app/contract/report.js';
import { runPushDoctor, type CliRun } from '../support/cli.js';
import { describeLeaks, dumpLedger, Ledger, SURFACES } from './support/ledger.js';
import { SHOWN_MASKED, type Plant } from './support/plants.js';
import { recordStateFolder, type UndoSecretFile } from './support/state-files.js';
import { createSweepWorld, plantCatalogue, worldUnavailable, type SweepWorld } from './support/world.js';

/**
 * The secret sweep through the command line: every `push-doctor` command (taken from the CLI's own
 * command table, so a new command fails this test until it is swept) and every fix, each run as a
 * real process in a home where a secret sits everywhere one can be (support/world.ts). Every byte
 * they print, with and without --json, the journal and every file of the state folder, and the
 * backup listing are searched for every planted secret in every form it could take. The only place
 * a secret may be kept is the 0600 undo-secrets store, which exists to hold what a fix removed.
 */
const unavailable = worldUnavailable();
const CATALOGUE = plantCatalogue('datacenter');

/** Every command and subcommand the CLI has: `account link`, `account status`, ..., `diagnose`. */
export function cliCommands(): string[] {
  return Object.entries(COMMAND_USAGES).flatMap(([name, usage]) => {
    const subs = usage
      .split(' | ')
      .map((part) => new RegExp(`^(?:push-doctor )?${name} ([a-z][a-z-]*)\\b`).exec(part.trim())?.[1])
      .filter((sub): sub is string => sub !== undefined);
    return subs.length ? subs.map((sub) => `${name} ${sub}`) : [name];
  });
}

const COMMANDS = cliCommands();

describe.skipIf(unavailable)(`secret sweep: every push-doctor command${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let world: SweepWorld;
  const ledger = new Ledger();
  const ran = new Set<string>();
  const fixesRun = new Set<string>();
  let undoFiles: UndoSecretFile[] = [];

  /** Runs push-doctor in the repository and records what it printed. */
  async function pd(args: string[], input?: string): Promise<CliRun> {
    const run = await runPushDoctor(args, { env: world.home.env, cwd: world.repo, input, timeoutMs: 60_000 });
    const [name = '', sub] = args;
    ran.add(COMMANDS.includes(`${name} ${sub}`) ? `${name} ${sub}` : name);
    if (name === 'fix' && sub) fixesRun.add(sub);
    const label = `push-doctor ${args.join(' ')}${input ? ' (stdin)' : ''} [exit ${run.code}]`;
    ledger.add(args.includes('--json') ? SURFACES.cliJson : SURFACES.cliStdout, label, run.stdout);
    ledger.add(SURFACES.cliStderr, label, run.stderr);
    return run;
  }
  /** A few at a time: the machine is small and shared. */
  async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
    for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
  }

  beforeAll(async () => {
    world = await createSweepWorld({ account: 'datacenter' });
    const { repo } = world;
    const dc = ['--bitbucket-host', world.site];
    const secret = (id: Plant['id']) => world.plant(id).value;

    // Read-only commands first, against everything planted.
    const [diagnosed] = await Promise.all([pd(['diagnose', repo, '--json']), pd(['diagnose', repo])]);
    await Promise.all([pd(['test', repo]), pd(['test', repo, '--json']), pd(['history']), pd(['--help'])]);
    await Promise.all([pd(['account', 'status', ...dc]), pd(['keys', 'list', ...dc, '--json'])]);
    // Bad input that carries a secret: an unknown remote, half a JSON object holding a token.
    await Promise.all([
      pd(['diagnose', repo, '--remote', 'nowhere']),
      pd(['fix', 'credential.save-token', repo, '--yes', '--input-stdin'], `{"username": "jdoe", "token": "${secret('input-token')}"`),
    ]);

    // The account link: a token Bitbucket refuses (its error echoes the header), then the right one,
    // into the throwaway keyring (never into a real keychain: elsewhere the environment holds the link).
    const link = (token: string) => pd(['account', 'link', ...dc, '--input-stdin', '--json'], JSON.stringify({ username: 'jdoe', token }));
    await link(secret('rejected-token'));
    if (world.keyring) await link(secret('account-token'));
    // ...and a private key given where a public one belongs.
    await Promise.all([pd(['account', 'status', ...dc, '--json']), pd(['keys', 'list', ...dc]), pd(['keys', 'add', ...dc, '--key', world.sshKeys.plain])]);

    // Every fix, as a dry run (the plan it prints), for the remote a finding offers it for.
    const report = JSON.parse(diagnosed.stdout) as DiagnoseReport;
    const remoteFor = (fixId: string) => report.findings.find((f) => f.fixes.some((x) => x.id === fixId))?.remote ?? (fixId.startsWith('ssh.') ? 'sshorigin' : 'origin');
    await inBatches([...FIX_IDS], 4, (fixId) => pd(['fix', fixId, repo, '--remote', remoteFor(fixId)]));
    await pd(['fix', 'remote.remove-secret', repo, '--remote', 'mirror', '--json']);

    // Fixes applied, one at a time (the journal takes one writer).
    await pd(['fix', 'credential.save-token', repo, '--remote', 'origin', '--yes', '--input-stdin'], JSON.stringify({ username: 'jdoe', token: secret('rejected-token') }));
    await pd(['fix', 'credential.clear', repo, '--remote', 'legacy', '--yes', '--json']);
    await pd(['fix', 'remote.remove-secret', repo, '--remote', 'embedded', '--yes']);
    await pd(['fix', 'remote.remove-secret', repo, '--remote', 'short', '--yes', '--json']);
    await pd(['fix', 'credential.save-token', repo, '--remote', 'origin', '--yes', '--input-stdin'], JSON.stringify({ username: 'jdoe', token: secret('input-token') }));
    await pd(['fix', 'ssh.add-key-to-agent', repo, '--remote', 'sshorigin', '--yes', '--input-stdin', '--json'], JSON.stringify({ passphrase: secret('ssh-passphrase') }));
    await pd(['fix', 'credential.use-secure-helper', repo, '--remote', 'chatty', '--yes']);
    await pd(['fix', 'ssh.configure-host', repo, '--remote', 'sshorigin', '--yes', '--json']);
    await pd(['keygen', '--file', path.join(world.home.sshDir, 'id_new'), '--passphrase-stdin'], `${secret('ssh-passphrase')}\n`);
    await pd(['keys', 'add', ...dc, '--key', path.join(world.home.sshDir, 'id_new.pub'), '--json']);
    await Promise.all([pd(['diagnose', repo, '--json']), pd(['history']), pd(['history', '--json'])]);
    undoFiles = await recordStateFolder(ledger, world.stateDir, 'after the fixes');

    // Walk every change back, then unlink.
    for (let i = 0; i < 12; i++) {
      const undo = await pd(['undo', ...(i % 2 ? ['--json'] : [])]);
      if (undo.code !== 0) break;
    }
    await pd(['account', 'unlink', ...dc]);
    await pd(['account', 'unlink', ...dc, '--json']);
    undoFiles.push(...(await recordStateFolder(ledger, world.stateDir, 'after undo')));
  }, 180_000);

  afterAll(async () => {
    await dumpLedger(ledger, 'cli');
    await world?.cleanup();
  });

  for (const { id, where, unavailable: why } of CATALOGUE) {
    it.skipIf(why)(`no output, journal, state file or backup listing shows ${where}${why ? ` (skipped: ${why})` : ''}`, () => {
      const leaks = ledger.leaksOf(world.plant(id));
      expect(leaks, describeLeaks(leaks)).toEqual([]);
    });
  }

  it('runs every command and subcommand of the CLI, and every fix', () => {
    expect(COMMANDS.filter((c) => !ran.has(c))).toEqual([]);
    expect(FIX_IDS.filter((id) => !fixesRun.has(id))).toEqual([]);
  });

  it('keeps removed secrets only in the undo-secrets store, in 0600 files', () => {
    expect(undoFiles.length).toBeGreaterThan(0);
    for (const file of undoFiles) expect({ file: file.path, mode: file.mode.toString(8) }).toEqual({ file: file.path, mode: '600' });
    // What credential.clear and remote.remove-secret removed is there (so undo can put it back), and nowhere else.
    const kept = undoFiles.map((f) => f.text).join('\n');
    for (const id of ['store-app-password', 'url-password', 'insteadof-password'] as const) expect(kept).toContain(world.plant(id).value);
  });

  it('met the secrets it shows masked: the masked form of each is in what it printed', () => {
    expect(ledger.unmet(SHOWN_MASKED.map(world.plant))).toEqual([]);
  });

  it('records the figure "planted secrets checked"', ({ task }) => {
    task.meta.secretSweep = ledger.figures('test/secrets/cli.test.ts', world.plants);
    expect(Object.keys(task.meta.secretSweep.surfaces).length).toBeGreaterThanOrEqual(5);
  });
});
