/**
 * `--no-repo-commands`, with the real `push-doctor` process and real git: a repository whose own
 * .git/config names its ssh command (a script that leaves a marker, then runs ssh against a fake
 * Bitbucket). Without the flag the CLI keeps git's behaviour and runs it; with it, nothing of the
 * repository's runs in diagnose, test or fix, and the output says so.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeBitbucketSsh } from '../support/bitbucket-ssh.js';
import { runPushDoctor } from '../support/cli.js';
import { createHome, type TestHome } from '../support/home.js';
import { markingSshCommand, timesRun, type MarkerCommand } from '../support/repo-commands.js';
import { makeKey, startCloudScenario } from '../support/ssh-scenario.js';

let home: TestHome;
let server: FakeBitbucketSsh;
let repo: string;
let command: MarkerCommand;
beforeEach(async () => {
  home = await createHome();
  const scenario = await startCloudScenario(home);
  server = scenario.server;
  repo = scenario.repo;
  server.authorize((await makeKey(home)).publicLine, { kind: 'personal' });
  command = await markingSshCommand(home);
  await home.git(['config', 'core.sshCommand', command.script], repo);
});
afterEach(async () => {
  await server.stop();
  await home.cleanup();
});

const run = (args: string[]) => runPushDoctor(args, { env: home.env, cwd: repo });

describe('push-doctor --no-repo-commands', () => {
  it("diagnose runs none of the repository's commands with it, and says which and where", async () => {
    const result = await run(['diagnose', '--no-repo-commands']);
    expect(await timesRun(command)).toBe(0);
    expect(server.commands).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Push Doctor did not run the commands this repository's own settings name.");
    expect(result.stdout).toContain(`core.sshcommand = ${command.script} (in ${path.join(repo, '.git', 'config')})`);

    const json = await run(['diagnose', '--no-repo-commands', '--json', '--offline']);
    expect(await timesRun(command)).toBe(0);
    const report = JSON.parse(json.stdout) as { findings: Array<{ code: string }>; checks: Array<{ id: string; status: string }> };
    expect(report.findings.map((f) => f.code)).toContain('repo.commands-not-run');
    expect(report.checks.find((c) => c.id === 'ssh.command')?.status).toBe('skipped');
  });

  it("keeps git's behaviour without it: the repository's ssh command runs and the push is proven", async () => {
    const result = await run(['diagnose']);
    expect(result.code).toBe(0);
    expect(await timesRun(command)).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('did not run the commands');
  });

  it('test and fix run none of them either', async () => {
    const tested = await run(['test', '--no-repo-commands', '--json']);
    expect(tested.code).toBe(1);
    expect(JSON.parse(tested.stdout)).toMatchObject({ results: [{ status: 'error', summary: 'Not tested: it names commands of its own that you have not trusted' }] });
    const fixed = await run(['fix', 'ssh.trust-host-keys', '--yes', '--json', '--no-repo-commands']);
    expect(fixed.code).toBe(1);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ applied: false, message: expect.stringContaining('only once you trust the repository') });
    expect(await timesRun(command)).toBe(0);
  });

  it('is in the usage', async () => {
    const help = await runPushDoctor(['--help'], { env: home.env });
    expect(help.stdout).toContain('push-doctor diagnose [PATH] [--json] [--offline] [--timeout SECONDS] [--remote NAME] [--bitbucket-host HOST] [--no-repo-commands]');
  });
});
