/** The effective OpenSSH client configuration for one destination, as `ssh -G` prints it. */
export interface SshClientConfig {
  hostname: string;
  port: number;
  user: string | null;
  /** Identity files in the order ssh tries them, `~` and `%` tokens expanded. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** IdentityAgent as configured: a socket path, "SSH_AUTH_SOCK", "none", or null when unset. */
  identityAgent: string | null;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hostKeyAlias: string | null;
  /** "true" (yes), "false" (no/off), "accept-new" or "ask". */
  strictHostKeyChecking: string;
  batchMode: boolean;
  pubkeyAuthentication: boolean;
  proxyCommand: string | null;
  proxyJump: string | null;
  /** Every key with all its values, for anything not named above. */
  raw: Map<string, string[]>;
}

/** Values for the `%` tokens and `~` in paths (ssh_config(5) "TOKENS"). */
export interface ExpansionContext {
  homeDir: string;
  localUser: string;
  /** The host as given on the command line (before HostName). */
  originalHost: string;
}

/** Parses `ssh -G` output. Pure. */
export function parseSshG(output: string, expansion: ExpansionContext): SshClientConfig {
  const raw = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const match = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    // Appended in place: copying the list for each line is quadratic in a long output.
    const values = raw.get(key);
    if (values) values.push(match[2]!);
    else raw.set(key, [match[2]!]);
  }
  const one = (key: string) => raw.get(key)?.[0] ?? null;
  const hostname = one('hostname') ?? expansion.originalHost;
  const port = Number(one('port') ?? 22) || 22;
  const user = one('user');
  const hostKeyAlias = one('hostkeyalias');
  const tokens: Record<string, string> = {
    '%': '%',
    d: expansion.homeDir,
    u: expansion.localUser,
    h: hostname,
    n: expansion.originalHost,
    p: String(port),
    r: user ?? '',
    k: hostKeyAlias ?? expansion.originalHost,
  };
  const expand = (value: string) => expandPath(value, expansion.homeDir, tokens);
  const list = (key: string) => (raw.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter((v) => v && v !== 'none').map(expand);
  return {
    hostname,
    port,
    user,
    identityFiles: (raw.get('identityfile') ?? []).map(expand),
    identitiesOnly: one('identitiesonly') === 'yes',
    identityAgent: one('identityagent'),
    userKnownHostsFiles: list('userknownhostsfile'),
    globalKnownHostsFiles: list('globalknownhostsfile'),
    hostKeyAlias,
    strictHostKeyChecking: one('stricthostkeychecking') ?? 'ask',
    batchMode: one('batchmode') === 'yes',
    pubkeyAuthentication: one('pubkeyauthentication') !== 'no' && one('pubkeyauthentication') !== 'false',
    proxyCommand: one('proxycommand'),
    proxyJump: one('proxyjump'),
    raw,
  };
}

/** `~/x` and `%d/x` → home; other `%` tokens from the table; unknown tokens stay as written. */
export function expandPath(value: string, homeDir: string, tokens: Record<string, string>): string {
  const tilde = value === '~' ? homeDir : value.startsWith('~/') ? `${homeDir}${value.slice(1)}` : value;
  return tilde.replace(/%(.)/g, (whole, token: string) => tokens[token] ?? whole);
}

/** True when ssh would trust a new host key on its own (no prompt, no failure). */
export function acceptsNewHostKeys(config: Pick<SshClientConfig, 'strictHostKeyChecking'>): boolean {
  return config.strictHostKeyChecking === 'false' || config.strictHostKeyChecking === 'accept-new';
}
