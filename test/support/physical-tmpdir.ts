import { realpathSync } from 'node:fs';
import os from 'node:os';

/**
 * git and ssh report physical paths, while os.tmpdir() may name the temporary folder another way:
 * macOS reaches it through a symlink (/var → /private/var), and Windows may give its 8.3 short form
 * (C:\Users\RUNNER~1\…, as on GitHub's windows runners) where Git for Windows prints the long one.
 * The vitest configs call this once, so every test (the workers inherit the environment) makes its
 * throwaway folders under the physical name, and compares like with like.
 */
export function usePhysicalTmpdir(platform: NodeJS.Platform = process.platform): void {
  if (platform === 'darwin') process.env.TMPDIR = realpathSync(os.tmpdir());
  if (platform === 'win32') {
    // os.tmpdir() reads TEMP, then TMP; the native realpath (GetFinalPathNameByHandle) gives the long names.
    const long = realpathSync.native(os.tmpdir());
    process.env.TEMP = long;
    process.env.TMP = long;
  }
}
