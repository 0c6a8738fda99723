/**
 * Host names as the user declares them (Settings, `--bitbucket-host`). Pure and free of zod: the
 * renderer checks what is typed with the same function main validates with.
 */

/**
 * A Bitbucket Data Center server as the user may declare it ("bitbucket.corp.example", "host:7990",
 * an address pasted with https:// or a path): "host" or "host:port" in lower case, or null.
 */
export function normalizeBitbucketHost(value: string): string | null {
  const host = value.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '');
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/.test(host)) return null;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return host;
}
