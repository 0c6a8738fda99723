import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestHome } from './home.js';

/**
 * Broken tools for the fault suite: a PATH on which a program is missing, wrappers that replace one
 * (an old git, a noisy ssh), and PuTTY's plink. Everything lives in throwaway folders.
 */

/** The first executable `name` on the PATH, as a shell would find it. */
export function which(name: string, pathValue = process.env.PATH ?? ''): string {
  for (const dir of pathValue.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`${name} is not on the PATH`);
}

/**
 * A PATH of one folder that links every program of the current PATH except `missing` (the first of
 * each name wins, as in a shell): git, sh and node stay where the test needs them.
 */
export async function pathWithout(missing: readonly string[]): Promise<{ path: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'push-doctor-path-'));
  const seen = new Set(missing);
  for (const source of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const names = await readdir(source).catch(() => [] as string[]);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      await symlink(path.join(source, name), path.join(dir, name));
    }
  }
  return { path: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes an executable `sh` script into the home's own bin folder (created on first use) and returns its path. */
export async function writeTool(home: TestHome, name: string, body: string): Promise<string> {
  const dir = path.join(home.dir, 'bin');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** Puts the home's bin folder first on its PATH (tools written there then replace the real ones). */
export function preferHomeBin(home: TestHome): void {
  home.env.PATH = `${path.join(home.dir, 'bin')}${path.delimiter}${home.env.PATH ?? ''}`;
}

/** The fake plink (test/support/fake-plink.mjs) installed as `plink` in the home's bin folder. */
export async function installFakePlink(home: TestHome): Promise<string> {
  const dir = path.join(home.dir, 'bin');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'plink');
  await symlink(path.resolve('test/support/fake-plink.mjs'), file);
  return file;
}

/** Bytes that are not UTF-8 (Latin-1 "café" and a lone continuation byte), as sh `printf` escapes. */
export const NOT_UTF8 = String.raw`caf\351 \377\376 r\351sum\351`;
