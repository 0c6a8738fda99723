import { constants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file a POSIX spawn of `name` starts with this PATH (the first executable match, as execvp
 * finds it), or null. A name with a slash is taken as it is. Symlinks are resolved, so a
 * /usr/local/bin/ssh that links to /usr/bin/ssh is known for what it is.
 */
export async function findProgram(name: string, env: NodeJS.ProcessEnv, homeDir: string): Promise<string | null> {
  const expanded = name.replace(/^~(?=\/|$)/, homeDir);
  const candidates = expanded.includes('/') ? [path.resolve(expanded)] : (env.PATH ?? '').split(':').filter((dir) => path.isAbsolute(dir)).map((dir) => path.join(dir, expanded));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return await realpath(candidate);
    } catch {
      // not here
    }
  }
  return null;
}
