/**
 * The environment external commands run with: the user's own (so config, CA settings, proxies, the
 * ssh command and agent are exactly what their push uses) plus the switches that make git, ssh and
 * credential helpers fail instead of prompting.
 */
export function nonInteractiveEnv(userEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(userEnv)) {
    // Tracing only changes what is logged, and can log credentials: never let it into our output.
    if (/^GIT_TRACE/.test(key) || key === 'GIT_CURL_VERBOSE' || key === 'GCM_TRACE' || key === 'GCM_TRACE_SECRETS') continue;
    env[key] = value;
  }
  return {
    ...env,
    // English messages: the classifiers read them.
    LC_ALL: 'C',
    LANGUAGE: '',
    // git: never prompt on a terminal, never run an askpass program (empty GIT_ASKPASS also hides
    // core.askPass and SSH_ASKPASS from git).
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    // ssh: never run an askpass program for passphrases or host keys.
    SSH_ASKPASS: '',
    SSH_ASKPASS_REQUIRE: 'never',
    // Git Credential Manager: fail rather than open a dialog (in WSL, the Windows-side GCM sees it
    // only when WSLENV shares it).
    GCM_INTERACTIVE: 'never',
    ...(env.WSL_DISTRO_NAME || env.WSL_INTEROP ? { WSLENV: sharedWithWindows(env.WSLENV, 'GCM_INTERACTIVE') } : {}),
    // Diagnosis is read-only: no opportunistic index refresh.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
  };
}

/** A variable of `env`; on Windows names are case-insensitive ("Path" is PATH). */
export function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** `env` with `changes` applied; on Windows an existing "Path" is replaced, not duplicated as "PATH". */
export function withEnv(env: NodeJS.ProcessEnv, changes: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(changes)) {
    if (platform === 'win32') for (const key of Object.keys(out)) if (key !== name && key.toUpperCase() === name.toUpperCase()) delete out[key];
    out[name] = value;
  }
  return out;
}

/** Whether WSLENV ("GIT_EXEC_PATH/wp:FOO") shares a variable with the Windows programs WSL starts. Pure. */
export function wslenvShares(wslenv: string | undefined, name: string): boolean {
  return (wslenv ?? '').split(':').some((entry) => entry.split('/')[0] === name);
}

/** WSLENV with one more variable shared with Windows programs, kept once. Pure. */
export function sharedWithWindows(wslenv: string | undefined, name: string): string {
  const entries = (wslenv ?? '').split(':').filter(Boolean);
  return wslenvShares(wslenv, name) ? entries.join(':') : [...entries, name].join(':');
}
