import { callHandler } from '../../../app/service/handlers.js';
import { startFakeBitbucketHttp, type FakeAccount, type FakeBitbucketHttp } from '../../support/bitbucket-http.js';
import { approveCredential, routeBitbucketTo } from '../../support/https-home.js';
import type { TestService } from './service.js';

export interface ServedRepos {
  server: FakeBitbucketHttp;
  /** Real paths, in the order the names were given (each opened in turn: the last is first in the recent list). */
  paths: string[];
  /** The Bitbucket account whose saved API token the repository `name` pushes with. */
  account(name: string): FakeAccount;
  /** Stops the server now (again at cleanup is a no-op): every probe in flight fails at once. */
  stop(): Promise<void>;
}

/**
 * Recent repositories that really push: one repository of the test home per name, origin
 * https://bitbucket.org/acme/<name>.git routed to one fake Bitbucket, each with its own account whose
 * API token the store helper keeps (credential.useHttpPath: one credential per repository). Removing
 * an account makes exactly its repository fail ("refused the API token"); adding it back
 * makes it push again.
 */
export async function openServedRepos(service: TestService, names: readonly string[]): Promise<ServedRepos> {
  const { home } = service;
  const accounts = new Map<string, FakeAccount>(
    names.map((name) => [name, { username: `${name}-dev`, secret: `ATATT3xFfGF0${name}Token_${name.length}Zz9Yy8Xx7Ww6=A1B2C3D4`, kind: 'api-token' }]),
  );
  const server = await startFakeBitbucketHttp({
    accounts: [...accounts.values()],
    repos: Object.fromEntries(names.map((name) => [`acme/${name}.git`, { [`${name}-dev`]: 'write' as const }])),
  });
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= server.stop());
  service.defer(stop);
  await routeBitbucketTo(home, server);
  await home.git(['config', '--global', 'credential.helper', 'store']);
  await home.git(['config', '--global', 'credential.useHttpPath', 'true']);
  const paths: string[] = [];
  for (const name of names) {
    const repo = await home.repo(name);
    await home.git(['remote', 'add', 'origin', `https://bitbucket.org/acme/${name}.git`], repo);
    const account = accounts.get(name)!;
    await approveCredential(home, repo, `${server.url}/acme/${name}.git`, account.username, account.secret);
    const opened = await callHandler(service.handlers, 'repo.open', { path: repo });
    if (!opened.ok) throw new Error(`repo.open failed: ${opened.error.message}`);
    paths.push(opened.value.path);
  }
  return { server, paths, account: (name) => accounts.get(name)!, stop };
}
