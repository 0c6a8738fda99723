import { WINDOWS_OPENSSH_DIR, WINDOWS_SYSTEM_TOOLS } from '../facts/windows.js';
import { envValue } from './env.js';

/** Joins with "/", which Windows accepts and git itself prints; a trailing separator of `root` is dropped. Pure. */
export function joinPath(root: string, ...parts: string[]): string {
  return [root.replace(/[\\/]+$/, ''), ...parts].join('/');
}

/** %SystemRoot% of this environment ("C:\Windows" when unset). */
export function systemRoot(env: NodeJS.ProcessEnv): string {
  return envValue(env, 'SystemRoot', 'win32') || envValue(env, 'windir', 'win32') || 'C:\\Windows';
}

/** A Windows tool by absolute path under %SystemRoot% (taskkill, icacls, sc, whoami): never from the PATH. Pure. */
export function systemTool(env: NodeJS.ProcessEnv, tool: keyof typeof WINDOWS_SYSTEM_TOOLS): string {
  return joinPath(systemRoot(env), WINDOWS_SYSTEM_TOOLS[tool]);
}

/** Windows' own OpenSSH program (ssh, ssh-add) under %SystemRoot%\System32\OpenSSH. Pure. */
export function windowsOpenSsh(env: NodeJS.ProcessEnv, program: 'ssh' | 'ssh-add' | 'ssh-keygen'): string {
  return joinPath(systemRoot(env), WINDOWS_OPENSSH_DIR, `${program}.exe`);
}
