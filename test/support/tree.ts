import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Every path under a folder with its type, mode and content hash: two equal snapshots mean an identical tree. */
export async function snapshotTree(root: string, options: { exclude?: string[] } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const excluded = (options.exclude ?? []).map((p) => path.resolve(p));
  async function walk(dir: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      if (excluded.includes(full)) continue;
      const info = await lstat(full);
      const rel = path.relative(root, full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isDirectory()) {
        out[rel] = `dir ${mode}`;
        await walk(full);
      } else if (info.isSymbolicLink()) {
        out[rel] = `link -> ${await readlink(full)}`;
      } else if (info.isFile()) {
        out[rel] = `file ${mode} ${createHash('sha256').update(await readFile(full)).digest('hex')}`;
      }
      // Sockets and pipes (the credential cache daemon's socket) have no content to compare.
    }
  }
  await walk(root);
  return out;
}

/** Modes of every folder and file under a folder (for the 0700/0600 checks of the state folder). */
export async function modesUnder(root: string): Promise<Array<[string, 'dir' | 'file', number]>> {
  const out: Array<[string, 'dir' | 'file', number]> = [];
  async function walk(dir: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const full = path.join(dir, name);
      const info = await lstat(full);
      out.push([path.relative(root, full), info.isDirectory() ? 'dir' : 'file', info.mode & 0o7777]);
      if (info.isDirectory()) await walk(full);
    }
  }
  await walk(root);
  return out;
}

/** Every file under a folder as text, one after the other (to search for secrets that must not be there); `exclude` skips folders. */
export async function textUnder(root: string, options: { exclude?: string[] } = {}): Promise<string> {
  const out: string[] = [];
  const excluded = (options.exclude ?? []).map((p) => path.resolve(p));
  async function walk(dir: string): Promise<void> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const full = path.join(dir, name);
      if (excluded.includes(full)) continue;
      if ((await lstat(full)).isDirectory()) await walk(full);
      else out.push(await readFile(full, 'utf8'));
    }
  }
  await walk(root);
  return out.join('\n');
}
