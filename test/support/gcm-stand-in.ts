import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestHome } from './home.js';

/**
 * Git Credential Manager cannot be installed here (it needs .NET). This stand-in speaks the same
 * helper protocol under the same name and behaves the way GCM's source and its Bitbucket issues
 * say GCM behaves (git-ecosystem/git-credential-manager, snapshot 2fe99b86):
 * - settings from the environment first, then git config, per URL (Settings.TryGetSetting);
 * - `--version` prints "2.6.1+786ab034…" (the version in GCM issue 1991);
 * - Bitbucket: a stored credential is checked against the REST API before git gets it
 *   (BitbucketHostProvider.ValidateCredentialsWork) unless credential.bitbucketValidateStoredCredentials
 *   is false. The REST API takes an API token only with the Atlassian email (bitbucket facts), so
 *   an ATAT… token stored with a username fails, and GCM then wants to prompt: with GCM_INTERACTIVE
 *   never it prints "fatal: Cannot prompt because user interactivity has been disabled."
 *   (AuthenticationBase.cs) and fails. Hosts under `.invalid`, or GCM_PROVIDER=generic, use the
 *   generic provider (no check);
 * - with `windows`: GCM for Windows started from WSL. It sees only the variables WSLENV shares
 *   (WSL interop), reads Git for Windows' global config (GCM docs/wsl.md), and keeps credentials
 *   in a "Windows Credential Manager" that refuses anything over 2,560 bytes (UTF-16) with
 *   "fatal: Failed to write item to store. [0x6f7]" / "fatal: The stub received bad data."
 *   (GCM issue 2428; WindowsCredentialManager.cs, Application.cs), unless credentialStore is dpapi;
 *   a GCM_INTERACTIVE it cannot see means it would open a window: recorded in `prompted`;
 * - OAuth: when the test leaves `oauth-next` ("username\naccess token") and nothing is stored for
 *   the host, `get` runs the refresh flow: it stores the new token (which is where 0x6f7 strikes)
 *   and hands it out.
 * Credentials are kept one per host in files under `dir`.
 */
export interface GcmStandIn {
  /** Where the program is. */
  program: string;
  /** Its credential store (one file per host; `prompted`, `oauth-next`). */
  dir: string;
}

export interface GcmStandInOptions {
  /** Where to put the program (default ~/bin/git-credential-manager, put on the home's PATH). */
  program?: string;
  windows?: { globalConfig: string };
}

export async function installGcmStandIn(h: TestHome, options: GcmStandInOptions = {}): Promise<GcmStandIn> {
  const program = options.program ?? path.join(h.dir, 'bin', 'git-credential-manager');
  const dir = path.join(h.dir, options.windows ? '.gcm-windows-stand-in' : '.gcm-stand-in');
  await mkdir(path.dirname(program), { recursive: true });
  await mkdir(dir, { recursive: true });
  const windows = options.windows ? '1' : '';
  const script = `#!/bin/sh
# Git Credential Manager stand-in (test/support/gcm-stand-in.ts).
dir='${dir}'; windows='${windows}'; winconfig='${options.windows?.globalConfig ?? ''}'
if [ "$1" = "--version" ]; then echo '2.6.1+786ab03440ddc82e807a97c0e540f5247e44cec6'; exit 0; fi
# A variable as GCM sees it: from WSL, only what WSLENV shares.
visible() { if [ -n "$windows" ]; then case ":$WSLENV:" in *":$1:"*|*":$1/"*) ;; *) return 1;; esac; fi; eval "test -n \\"\\\${$1+x}\\""; }
envval() { eval "printf %s \\"\\\${$1}\\""; }
setting() { # NAME ENVNAME: environment first, then git config for this URL
  if visible "$2"; then envval "$2"; return; fi
  if [ -n "$windows" ]; then GIT_CONFIG_NOSYSTEM=1 git config --file "$winconfig" --get-urlmatch "credential.$1" "$protocol://$host" 2>/dev/null
  else git config --get-urlmatch "credential.$1" "$protocol://$host" 2>/dev/null; fi
}
protocol=""; host=""; user=""; pass=""
while IFS= read -r line && [ -n "$line" ]; do
  case "$line" in protocol=*) protocol=\${line#protocol=};; host=*) host=\${line#host=};; username=*) user=\${line#username=};; password=*) pass=\${line#password=};; esac
done
f="$dir/$(printf %s "$host" | tr -c 'A-Za-z0-9._-' _)"
interactive=$(setting interactive GCM_INTERACTIVE); if [ -n "$windows" ] && ! visible GCM_INTERACTIVE; then interactive=""; fi
prompt() { # GCM would ask the user now (for Windows: open a window, which must never happen)
  case "$interactive" in never|false|0) echo "fatal: Cannot prompt because user interactivity has been disabled." >&2; exit 255;; esac
  if [ -n "$windows" ]; then echo "$host" >> "$dir/prompted"; fi
  echo "fatal: could not prompt: no terminal" >&2; exit 255
}
write() { # USER PASS: what GCM's credential store does
  if [ -n "$windows" ] && [ "$(setting credentialStore GCM_CREDENTIAL_STORE)" != "dpapi" ] && [ $(( $(printf %s "$2" | wc -c) * 2 )) -gt 2560 ]; then
    echo "fatal: Failed to write item to store. [0x6f7]" >&2; echo "fatal: The stub received bad data." >&2; exit 255
  fi
  printf 'username=%s\\npassword=%s\\n' "$1" "$2" > "$f"
}
generic=""; case "$host" in *.invalid) generic=1;; esac
if visible GCM_PROVIDER && [ "$(envval GCM_PROVIDER)" = "generic" ]; then generic=1; fi
case "$1" in
  get)
    if [ -f "$f" ]; then
      stored_user=$(sed -n 's/^username=//p' "$f"); stored_pass=$(sed -n 's/^password=//p' "$f")
      validate=$(setting bitbucketValidateStoredCredentials GCM_BITBUCKET_VALIDATE_STORED_CREDENTIALS)
      case "$validate" in false|0|no|off) generic=1;; esac
      # The REST check: an API token passes only with an email as the username.
      if [ -z "$generic" ]; then case "$stored_pass" in ATAT*) case "$stored_user" in *@*) ;; *) prompt;; esac;; esac; fi
      cat "$f"; exit 0
    fi
    if [ -z "$generic" ] && [ -f "$dir/oauth-next" ]; then
      write "$(sed -n 1p "$dir/oauth-next")" "$(sed -n 2p "$dir/oauth-next")"; cat "$f"; exit 0
    fi
    [ -n "$generic" ] && exit 0
    prompt;;
  store) write "$user" "$pass";;
  erase) rm -f "$f";;
esac
exit 0
`;
  await writeFile(program, script);
  await chmod(program, 0o755);
  if (!options.program) h.env.PATH = `${path.dirname(program)}${path.delimiter}${h.env.PATH}`;
  return { program, dir };
}
