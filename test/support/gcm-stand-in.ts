import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestHome } from './home.js';

/**
 * Git Credential Manager cannot be installed here (it needs .NET); this stand-in speaks the same
 * helper protocol under the same name, keeping one credential per host in a file.
 */
export async function installGcmStandIn(h: TestHome): Promise<void> {
  const bin = path.join(h.dir, 'bin');
  await mkdir(bin, { recursive: true });
  const script = `#!/bin/sh
dir="$HOME/.gcm-stand-in"; mkdir -p "$dir"
host=""; user=""; pass=""
while IFS= read -r line && [ -n "$line" ]; do
  case "$line" in host=*) host=\${line#host=};; username=*) user=\${line#username=};; password=*) pass=\${line#password=};; esac
done
f="$dir/$(printf %s "$host" | tr -c 'A-Za-z0-9._-' _)"
case "$1" in
  get) [ -f "$f" ] && cat "$f";;
  store) printf 'username=%s\\npassword=%s\\n' "$user" "$pass" > "$f";;
  erase) rm -f "$f";;
esac
exit 0
`;
  await writeFile(path.join(bin, 'git-credential-manager'), script);
  await chmod(path.join(bin, 'git-credential-manager'), 0o755);
  h.env.PATH = `${bin}${path.delimiter}${h.env.PATH}`;
}
