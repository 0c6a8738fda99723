import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext } from '../context.js';
import { git } from '../git/git.js';
import { isCode } from './atomic-write.js';
import { ensurePrivateDir, FILE_MODE, scratchRoot } from './state-dir.js';
import { writePoint } from './write-points.js';

export interface EditedConfig {
  /** The file's bytes after every edit. */
  bytes: Buffer;
  /** Its mode: the file's own, or the one git gave a file it created. */
  mode: number;
}

/**
 * Lets git compute a config change without touching the user's file: a private copy (in a 0700
 * scratch folder of the state folder) gets `git config --file COPY <edit>` for each edit, and the
 * caller then replaces the file with the result in one atomic write. So git's own syntax handling
 * decides the bytes, the file changes once however many edits it takes (never a half-done set of
 * edits), and a process killed meanwhile leaves neither git's `.lock` file nor a git still writing
 * the user's file behind it. A file that does not exist yet is created by git in the copy.
 */
export async function editConfigCopy(ctx: EngineContext, file: string, edits: ReadonlyArray<readonly string[]>, cwd?: string): Promise<EditedConfig> {
  await ensurePrivateDir(scratchRoot(ctx));
  const dir = await mkdtemp(path.join(scratchRoot(ctx), 'git-config-'));
  try {
    const copy = path.join(dir, 'config');
    const existing = await readFile(file).catch((error: unknown) => (isCode(error, 'ENOENT') ? null : Promise.reject(error)));
    if (existing) await writeFile(copy, existing, { mode: FILE_MODE });
    for (const edit of edits) {
      writePoint('git-config', file);
      const result = await git(ctx, ['config', '--file', copy, ...edit], { cwd });
      if (result.exitCode !== 0) {
        const why = (result.stderr.trim() || result.spawnError || `exit ${result.exitCode}`).split(copy).join(file);
        throw new Error(ctx.secrets.redact(`git config --file ${file} ${edit.join(' ')} failed: ${why}`));
      }
    }
    const bytes = await readFile(copy).catch((error: unknown) => (isCode(error, 'ENOENT') ? Buffer.alloc(0) : Promise.reject(error)));
    const mode = existing ? (await stat(file)).mode & 0o7777 : ((await stat(copy).catch(() => null))?.mode ?? 0o644) & 0o7777;
    return { bytes, mode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
