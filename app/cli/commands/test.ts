import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createContext, DEFAULT_TIMEOUT_MS } from '../../context.js';
import { testRepos } from '../../diagnose/test-repos.js';
import { bitbucketHosts, parseCommandArgs, repoCommandGate, timeoutMs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { createStyle } from '../style.js';

/** `push-doctor test`: can each repository authenticate and push now? 0 all can, 1 any cannot, 2 bad input. */
export async function testCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    'bitbucket-host': { type: 'string', multiple: true },
    'no-repo-commands': { type: 'boolean' },
  });
  const paths = positionals.length ? positionals.map((p) => path.resolve(io.cwd, p)) : [io.cwd];
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info) throw new UsageError(`${p} does not exist`);
    if (!info.isDirectory()) throw new UsageError(`${p} is a file, not a folder`);
  }
  const ctx = createContext({ env: io.env, timeoutMs: timeoutMs(values.timeout, DEFAULT_TIMEOUT_MS), bitbucketHosts: bitbucketHosts(values['bitbucket-host']), repoCommands: repoCommandGate(values['no-repo-commands']) });
  // All the repositories at once: a bounded pool, probes shared (Ctrl-C: see main.ts).
  const results = await testRepos(ctx, paths);
  const out = writer(io.stdout, ctx.secrets);
  if (values.json) out(json({ schemaVersion: 1, results }));
  else {
    const style = createStyle(io.stdout, io.env);
    for (const r of results) {
      const mark = r.status === 'ok' ? style.ok('✓') : r.status === 'failing' ? style.error('✗') : style.warn('!');
      out(`${mark} ${r.path}: ${r.summary}${r.codes.length ? style.dim(` (${r.codes.join(', ')})`) : ''}\n`);
    }
  }
  // Not tested because the repository is not trusted (--no-repo-commands) is "cannot confirm", not bad input.
  if (results.some((r) => r.status === 'error' && !r.codes.includes('repo.commands-not-run'))) return 2;
  return results.every((r) => r.status === 'ok') ? 0 : 1;
}
