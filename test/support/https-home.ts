import { execFile } from 'node:child_process';
import { afterEach, beforeEach } from 'vitest';
import { startFakeBitbucketHttp, type FakeBitbucketHttp, type FakeBitbucketHttpOptions } from './bitbucket-http.js';
import { createHome, type TestHome } from './home.js';

/** The remote the tests' repositories use: the real Bitbucket Cloud URL. */
export const CLOUD_REMOTE = 'https://bitbucket.org/acme/widgets.git';

/**
 * Points the home's git at the fake server the way a user's config could: a global
 * `url.<fake>/.insteadOf https://bitbucket.org/`, so git itself rewrites the real Bitbucket URL.
 * For an HTTPS fake, the home trusts its CA through GIT_SSL_CAINFO.
 */
export async function routeBitbucketTo(home: TestHome, server: FakeBitbucketHttp, prefix = 'https://bitbucket.org/'): Promise<void> {
  await home.git(['config', '--global', `url.${server.url}/.insteadOf`, prefix]);
  if (server.caFile) home.env.GIT_SSL_CAINFO = server.caFile;
}

/** A repository whose origin is `remoteUrl`, routed to the fake server. */
export async function cloudRepo(home: TestHome, server: FakeBitbucketHttp, remoteUrl = CLOUD_REMOTE): Promise<string> {
  await routeBitbucketTo(home, server);
  const repo = await home.repo();
  await home.git(['remote', 'add', 'origin', remoteUrl], repo);
  return repo;
}

/** Runs git in the home with input on stdin (test setup only). */
export function homeGit(home: TestHome, args: string[], cwd: string, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { cwd, env: { ...home.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  });
}

/** Saves a credential through the user's configured helpers, as git does after a successful push. */
export async function approveCredential(home: TestHome, cwd: string, url: string, username: string, password: string): Promise<void> {
  const result = await homeGit(home, ['credential', 'approve'], cwd, `url=${url}\nusername=${username}\npassword=${password}\n\n`);
  if (result.code !== 0) throw new Error(`git credential approve failed: ${result.stderr}`);
}

/** A throwaway home and the fake servers a test starts; cleanup() stops them all. */
export interface HttpsTestBed {
  home: TestHome;
  serve(options?: FakeBitbucketHttpOptions): Promise<FakeBitbucketHttp>;
  cleanup(): Promise<void>;
}

export async function createHttpsTestBed(): Promise<HttpsTestBed> {
  const home = await createHome();
  const servers: FakeBitbucketHttp[] = [];
  return {
    home,
    async serve(options = {}) {
      const server = await startFakeBitbucketHttp(options);
      servers.push(server);
      return server;
    },
    async cleanup() {
      // The cache helper starts a daemon on first use: stop it (a no-op when none runs).
      await homeGit(home, ['credential-cache', 'exit'], home.dir);
      await Promise.all(servers.map((s) => s.stop()));
      await home.cleanup();
    },
  };
}

/** Registers a fresh test bed for every test of the calling file (or describe block). */
export function useHttpsTestBed(): { readonly home: TestHome; serve(options?: FakeBitbucketHttpOptions): Promise<FakeBitbucketHttp> } {
  let bed: HttpsTestBed | null = null;
  beforeEach(async () => {
    bed = await createHttpsTestBed();
  });
  afterEach(async () => {
    await bed?.cleanup();
    bed = null;
  });
  return {
    get home() {
      return bed!.home;
    },
    serve: (options) => bed!.serve(options),
  };
}
