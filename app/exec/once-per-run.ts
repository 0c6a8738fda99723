import { createHash } from 'node:crypto';

/**
 * Answers that depend on the environment and never on a repository (where git keeps its helpers,
 * what `ssh -G` says for a destination through a given ssh command), asked once in a read-only run
 * over many repositories: a re-test of a hundred repositories starts those processes once, not a
 * hundred times. Only a context made by `readOnlyRun` remembers them: anywhere else (a fix that
 * writes ~/.ssh/config and then checks what ssh -G says) every call asks anew. Keys are hashed: a
 * command line may hold a secret (sshpass -p).
 */
const ANSWERS = Symbol('answers of a read-only run');

type WithAnswers = { [ANSWERS]?: Map<string, Promise<unknown>> };

/**
 * A copy of `ctx` for a run that changes nothing (testRepos): it remembers environment-only
 * answers. The memory travels with the copies made of it (a diagnosis adds its signal to a copy).
 */
export function readOnlyRun<T extends object>(ctx: T): T {
  return { ...ctx, [ANSWERS]: new Map<string, Promise<unknown>>() };
}

export function oncePerRun<T>(ctx: object, question: readonly unknown[], ask: () => Promise<T>): Promise<T> {
  const known = (ctx as WithAnswers)[ANSWERS];
  if (!known) return ask();
  const key = createHash('sha256').update(JSON.stringify(question)).digest('hex');
  let answer = known.get(key) as Promise<T> | undefined;
  if (!answer) known.set(key, (answer = ask()));
  return answer;
}
