import { readdir, readFile } from 'node:fs/promises';

/**
 * Live processes whose environment holds HOME=<home>: every git, ssh and helper the engine starts for
 * a test home inherits it (also grandchildren that outlive their parent). Linux only (/proc);
 * zombies have no environment and are not counted.
 */
/** Why processesWithHome cannot answer here (it reads /proc, which only Linux has), or null. */
export const PROCESS_LIST_UNAVAILABLE = process.platform === 'linux' ? null : 'lists processes through /proc, which only Linux has';

export async function processesWithHome(home: string): Promise<number[]> {
  const wanted = `HOME=${home}`;
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const environ = await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(wanted)) pids.push(Number(name));
  }
  return pids;
}
