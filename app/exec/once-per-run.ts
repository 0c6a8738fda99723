import { createHash } from 'node:crypto';

/**
 * Answers that depend on the environment and never on a repository (where git keeps its helpers,
 * what `ssh -G` says for a destination through a given ssh command), asked once in a read-only run
 * over many repositories: a re-test of a hundred repositories starts those processes once, not a
 * hundred times. Only a context made by `readOnlyRun` remembers them: anywhere else (a fix that
 * writes ~/.ssh/config and then checks what ssh -G says) every call asks anew. Keys are hashed: a
 * command line may hold a secret (sshpass -p).
 */
const runs = new WeakMap<object, Map<string, Promise<unknown>>>();

/** A copy of `ctx` for a run that changes nothing (testRepos): it remembers environment-only answers. */
export function readOnlyRun<T extends object>(ctx: T): T {
  const run = { ...ctx };
  runs.set(run, new Map());
  return run;
}

export function oncePerRun<T>(ctx: object, question: readonly unknown[], ask: () => Promise<T>): Promise<T> {
  const known = runs.get(ctx);
  if (!known) return ask();
  const key = createHash('sha256').update(JSON.stringify(question)).digest('hex');
  let answer = known.get(key) as Promise<T> | undefined;
  if (!answer) known.set(key, (answer = ask()));
  return answer;
}
