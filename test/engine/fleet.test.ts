import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fleetConcurrency, testFleet, testRepos } from '../../app/diagnose/test-repos.js';
import { fakeApiToken, startFakeBitbucketApi } from '../support/bitbucket-api.js';
import { CLI } from '../support/cli.js';
import { FLEET_EXPECTED, startFleetBed, type FleetBed, type FleetKind } from '../support/fleet.js';
import { PROCESS_LIST_UNAVAILABLE, processesWithHome } from '../main/support/processes.js';

/**
 * `push-doctor test` and the tray's re-test over many repositories (testRepos): a bounded pool,
 * probes shared between repositories that send Bitbucket the same request with the same
 * credential, every repository its own right verdict, and a cancel that leaves nothing running.
 * Real git and OpenSSH against the fake Bitbucket servers (no latency: timings are the benchmark's).
 */
const LINKED_TOKEN = fakeApiToken('FleetLinkedToken');

describe('fleet re-tests', () => {
  let bed: FleetBed | undefined;
  afterEach(async () => {
    await bed?.stop();
    bed = undefined;
  });

  const kindOf = (repo: string) => path.basename(repo).replace(/-\d+$/, '') as FleetKind;
  /** Requests that carried a credential, per service and repository path (a probe sends exactly one). */
  const authenticated = (b: FleetBed, service: string) =>
    b.http.requests.filter((r) => r.service === service && r.user !== null && r.path.endsWith('/info/refs')).map((r) => `${r.path.replace(/\/info\/refs$/, '')} as ${r.user}`).sort();

  it('sends Bitbucket one probe per distinct remote and credential, and gives every repository its own verdict', async () => {
    bed = await startFleetBed();
    const kinds: FleetKind[] = ['https-ok', 'https-revoked', 'https-read-only', 'ssh-ok', 'ssh-other-key', 'ssh-missing'];
    const paths: string[] = [];
    for (const kind of kinds) paths.push(...(await bed.repos(kind, 4)));

    const { results, stats } = await testFleet(bed.context(), paths);

    // Every repository, in order, with the verdict of its own setup.
    expect(results.map((r) => r.path)).toEqual(paths);
    for (const result of results) expect({ kind: kindOf(result.path), status: result.status, codes: result.codes }).toEqual({ kind: kindOf(result.path), ...FLEET_EXPECTED[kindOf(result.path)] });

    // 12 HTTPS repositories on 2 URLs with 2 credentials (the same URL with jdoe's and with kim's): 3 reads, 3 pushes.
    expect(authenticated(bed, 'git-upload-pack')).toEqual(['/acme/read-only.git as jdoe', '/acme/shared.git as jdoe', '/acme/shared.git as kim']);
    expect(authenticated(bed, 'git-receive-pack')).toEqual(['/acme/read-only.git as jdoe', '/acme/shared.git as jdoe', '/acme/shared.git as kim']);
    // 12 SSH repositories: one login per key setup (the other key is refused before any command),
    // one push check per remote that logs in.
    expect(bed.ssh.commands.filter((c) => c === 'shell')).toHaveLength(1);
    expect(bed.ssh.commands.filter((c) => c.startsWith('git-receive-pack')).sort()).toEqual(["git-receive-pack 'acme/missing.git'", "git-receive-pack 'acme/shared.git'"]);
    expect(stats.run).toEqual({ 'https.read': 3, 'https.write': 3, 'ssh.auth': 2, 'ssh.auth-verbose': 1, 'ssh.write': 3 });
    expect(stats.shared).toEqual({ 'https.read': 9, 'https.write': 9, 'ssh.auth': 10, 'ssh.auth-verbose': 3, 'ssh.write': 9 });

    // Shared or not, each result is the one the repository gets when it is tested alone.
    for (const kind of kinds) {
      const repo = paths.find((p) => kindOf(p) === kind)!;
      const [alone] = await testRepos(bed.context(), [repo]);
      const together = results.find((r) => r.path === repo)!;
      expect({ ...alone, testedAt: '' }).toEqual({ ...together, testedAt: '' });
    }
  });

  it('never shares a probe between different credentials, keys, remotes or repository settings', async () => {
    bed = await startFleetBed({ own: { https: 3, ssh: 3 } });
    const paths = [...(await bed.repos('https-own', 3)), ...(await bed.repos('ssh-own', 3)), ...(await bed.repos('https-ok', 2)), ...(await bed.repos('https-revoked', 1))];
    // The second https-ok repository sends its own User-Agent: the same URL and credential, but not the same request.
    await bed.home.git(['config', 'http.userAgent', 'fleet-test/1.0'], paths[7]);
    const { results, stats } = await testFleet(bed.context(), paths);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'failing']);
    // Six remotes of their own, one URL with two credentials and two settings: nothing to share but the SSH login.
    expect(stats.run).toEqual({ 'https.read': 6, 'https.write': 6, 'ssh.auth': 1, 'ssh.write': 3 });
    expect(stats.shared).toEqual({ 'ssh.auth': 2 });
    expect(bed.http.requests.filter((r) => r.headers['user-agent'] === 'fleet-test/1.0').length).toBeGreaterThan(0);
  });

  it('tests a bounded number of repositories at once and limits the probes in flight against one server', async () => {
    // Each answer waits 150 ms, so probes that run together are seen together by the server.
    bed = await startFleetBed({ own: { https: 8 }, httpDelayMs: 150 });
    const paths = await bed.repos('https-own', 8);
    const { results, stats } = await testFleet(bed.context(), paths, { concurrency: 3, probesPerServer: 2 });
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(stats).toMatchObject({ concurrency: 3, peakRepos: 3, peakPerServer: 2, run: { 'https.read': 8, 'https.write': 8 } });
    // The server never had more than the limit in progress, and did have that many.
    expect(bed.http.peakInFlight).toBe(2);
    expect(fleetConcurrency()).toBeGreaterThanOrEqual(16);
    expect(fleetConcurrency()).toBeLessThanOrEqual(48);
  });

  it('asks Bitbucket about a linked account once per run, not once per repository', async () => {
    bed = await startFleetBed();
    const api = await startFakeBitbucketApi();
    try {
      api.store.addAccount({ username: 'jdoe', email: 'jane.doe@example.com', token: LINKED_TOKEN });
      const paths = [...(await bed.repos('https-ok', 3)), ...(await bed.repos('ssh-ok', 3))];
      const base = bed.context();
      const ctx = { ...base, env: { ...base.env, BITBUCKET_EMAIL: 'jane.doe@example.com', BITBUCKET_API_TOKEN: LINKED_TOKEN }, bitbucketApi: { cloudBaseUrl: api.baseUrl, caCertificates: [api.ca] } };
      const { results } = await testFleet(ctx, paths);
      expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      const asked = api.requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
      expect(asked.filter((r) => r.endsWith('/user'))).toHaveLength(1);
      // Its SSH keys are listed once too (each key is compared with what each repository's ssh offers).
      expect(new Set(asked).size).toBe(asked.length);
    } finally {
      await api.stop();
    }
  });

  const processCheck = PROCESS_LIST_UNAVAILABLE ? ` (processes not checked: ${PROCESS_LIST_UNAVAILABLE})` : '';

  it(`stops at once when cancelled: every process it started is killed and no repository starts after${processCheck}`, async () => {
    // Bitbucket holds every answer for a minute: only the cancel can end this run in time.
    bed = await startFleetBed({ own: { https: 6 }, httpDelayMs: 60_000 });
    const home = bed.home.dir;
    const paths = await bed.repos('https-own', 6);
    const controller = new AbortController();
    const started = performance.now();
    const running = testFleet(bed.context({ timeoutMs: 120_000 }), paths, { concurrency: 2, signal: controller.signal });
    // Two repositories at once, each with its read and push probes waiting on Bitbucket.
    await vi.waitFor(() => expect(bed!.http.peakInFlight).toBe(4), { timeout: 20_000 });
    if (!PROCESS_LIST_UNAVAILABLE) expect(await processesWithHome(home)).not.toEqual([]);
    controller.abort();
    const { results } = await running;
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(results.map((r) => [r.status, r.summary])).toEqual(paths.map(() => ['error', 'The test was cancelled.']));
    if (!PROCESS_LIST_UNAVAILABLE) await vi.waitFor(async () => expect(await processesWithHome(home)).toEqual([]));
    // The four repositories still waiting never started: nothing more reached Bitbucket.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bed.http.peakInFlight).toBe(4);
    if (!PROCESS_LIST_UNAVAILABLE) expect(await processesWithHome(home)).toEqual([]);
  });

  it(`push-doctor test ends on Ctrl-C with status 130 and leaves no process behind${processCheck}`, async () => {
    bed = await startFleetBed({ own: { https: 4 }, httpDelayMs: 60_000 });
    const home = bed.home.dir;
    const paths = await bed.repos('https-own', 4);
    const child = spawn(process.execPath, [CLI, 'test', ...paths, '--timeout', '120'], { env: bed.home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await vi.waitFor(() => expect(bed!.http.peakInFlight).toBeGreaterThan(0), { timeout: 20_000 });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toBe('');
    if (!PROCESS_LIST_UNAVAILABLE) await vi.waitFor(async () => expect(await processesWithHome(home)).toEqual([]));
  });
});
