/**
 * How the HTTPS probe's one-shot credential helper gets the pair it answers git with.
 *
 * On Linux and macOS it reads file descriptor 3, which git and git-remote-https inherit from us: the
 * secret touches neither argv, the environment nor the disk. Git for Windows hands the programs it
 * starts only the standard handles (git-for-windows/git#1481), so there the pair goes in one variable
 * of the probe's own git process tree instead: like a descriptor, readable only by the user's own
 * processes, never in argv, never on disk, gone when git exits.
 */
export type HandoffChannel = 'descriptor' | 'environment';

/** The variable the helper reads where the channel is the environment. */
export const HANDOFF_VARIABLE = 'PUSH_DOCTOR_PROBE_CREDENTIAL';

export function handoffChannel(platform: NodeJS.Platform): HandoffChannel {
  return platform === 'win32' ? 'environment' : 'descriptor';
}

/** Answers `get` only (ignores `store` and `erase`); each `get` reads the next pair from descriptor 3. */
const FROM_DESCRIPTOR =
  '!f() { cat >/dev/null; test "$1" = get || return 0; IFS= read -r u <&3 && IFS= read -r p <&3 && printf "%s\\n%s\\n" "$u" "$p"; }; f';
/** Answers `get` only; every `get` prints the same pair. */
const FROM_ENVIRONMENT = `!f() { cat >/dev/null; test "$1" = get || return 0; printf "%s" "$${HANDOFF_VARIABLE}"; }; f`;

export interface Handoff {
  /** The value of credential.helper. */
  helper: string;
  fd3?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The helper and what to give git's process for it. `pair` is two credential lines
 * ("username=…\npassword=…\n") or '' for no credential (git then fails instead of asking);
 * `answers` is how many `get`s to answer (one per URL git connects to).
 */
export function credentialHandoff(channel: HandoffChannel, pair: string, answers: number): Handoff {
  if (channel === 'descriptor') return { helper: FROM_DESCRIPTOR, fd3: pair.repeat(Math.max(1, answers)) };
  return { helper: FROM_ENVIRONMENT, env: { [HANDOFF_VARIABLE]: pair } };
}
