import type { EngineContext } from '../context.js';
import type { Finding } from '../contract/report.js';
import { parseConfigWithOrigin } from '../credentials/helpers.js';
import { parseCredentialUrl } from '../credentials/urlmatch.js';
import { finding } from '../diagnose/catalogue.js';
import { git } from '../git/git.js';
import { parseConfigZ } from '../repo/repository.js';

/**
 * How git's HTTPS connection to Bitbucket is set up besides credentials: certificate checks, the
 * certificate authorities it trusts, and the proxy, from the config that applies to the URL (git's
 * own URL matching, `git config --get-urlmatch`) and from the environment, with git's precedence
 * (http.c): GIT_SSL_NO_VERIFY and GIT_SSL_CAINFO/CAPATH win over the config; remote.<name>.proxy
 * and http.proxy win over https_proxy/HTTPS_PROXY (lower case first), http_proxy, all_proxy;
 * no_proxy exempts hosts from any of them.
 */
export type TransportSettingKind = 'ssl-verify-off' | 'custom-ca' | 'proxy';

export interface TransportSetting {
  kind: TransportSettingKind;
  /** The CA file or folder, or the proxy address (password masked). */
  value: string;
  /** "http.sslverify in /home/u/.gitconfig", "environment variable https_proxy". */
  where: string;
}

/**
 * Where operating systems and Git for Windows keep their standard certificate bundles: pointing git
 * at one of these is not a custom CA (Git for Windows does it in its own system config).
 */
const SYSTEM_CA_LOCATIONS = [
  /\/etc\/ssl\/certs(\/ca-certificates\.crt)?\/?$/,
  /\/etc\/pki\/tls\/certs\/ca-bundle\.crt$/,
  /\/etc\/pki\/ca-trust\/extracted\/pem\/tls-ca-bundle\.pem$/,
  /\/etc\/ssl\/(ca-bundle|cert)\.pem$/,
  /\/etc\/(openssl(@\d+)?|ca-certificates)\/cert\.pem$/,
  /\/(mingw64|mingw32|clangarm64|usr)\/(etc\/)?ssl\/certs\/ca-bundle\.crt$/i,
];

export function isSystemCaLocation(file: string): boolean {
  const normal = file.replace(/\\/g, '/');
  return SYSTEM_CA_LOCATIONS.some((pattern) => pattern.test(normal));
}

const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** Reads the settings for a push to `url` (remote `remoteName`) in the repository. Read-only. */
export async function readTransportSettings(ctx: EngineContext, repoRoot: string, url: string, remoteName: string, signal?: AbortSignal): Promise<TransportSetting[]> {
  const [effective, origins] = await Promise.all([
    git(ctx, ['config', '-z', '--get-urlmatch', 'http', url], { cwd: repoRoot, signal }),
    git(ctx, ['config', '-z', '--show-scope', '--show-origin', '--get-regexp', '^http\\.(.+\\.)?(sslverify|sslcainfo|sslcapath|proxy)$|^remote\\..+\\.proxy$'], { cwd: repoRoot, signal }),
  ]);
  const values = new Map(effective.exitCode === 0 ? parseConfigZ(effective.stdout).map(([key, value]) => [key.toLowerCase(), value] as const) : []);
  const entries = origins.exitCode === 0 ? parseConfigWithOrigin(origins.stdout, repoRoot) : [];
  const whereSet = (name: string, value: string) => {
    const entry = entries.filter((e) => e.origin.key.toLowerCase().endsWith(`.${name}`) && e.value === value).at(-1);
    return entry?.origin.file ? `http.${name} in ${entry.origin.file}` : `http.${name}`;
  };
  const remoteProxy = entries.filter((e) => e.origin.key === `remote.${remoteName}.proxy`).at(-1);
  return transportSettings({
    env: ctx.env,
    url,
    sslVerify: values.get('http.sslverify') ?? null,
    sslCaInfo: values.get('http.sslcainfo') ?? null,
    sslCaPath: values.get('http.sslcapath') ?? null,
    proxy: remoteProxy?.value ?? values.get('http.proxy') ?? null,
    where: (name) => (name === 'proxy' && typeof remoteProxy?.value === 'string' ? `remote.${remoteName}.proxy${remoteProxy.origin.file ? ` in ${remoteProxy.origin.file}` : ''}` : whereSet(name, values.get(`http.${name}`) ?? '')),
  });
}

export interface TransportInputs {
  env: NodeJS.ProcessEnv;
  url: string;
  sslVerify: string | null;
  sslCaInfo: string | null;
  sslCaPath: string | null;
  /** remote.<name>.proxy, else http.proxy for the URL. */
  proxy: string | null;
  where(name: 'sslverify' | 'sslcainfo' | 'sslcapath' | 'proxy'): string;
}

/** git's precedence between config and environment, applied. Pure. */
export function transportSettings(inputs: TransportInputs): TransportSetting[] {
  const { env } = inputs;
  const settings: TransportSetting[] = [];
  const https = /^https:/i.test(inputs.url);
  if (https) {
    if (env.GIT_SSL_NO_VERIFY !== undefined) settings.push({ kind: 'ssl-verify-off', value: env.GIT_SSL_NO_VERIFY || '(set)', where: 'environment variable GIT_SSL_NO_VERIFY' });
    else if (inputs.sslVerify !== null && FALSE_WORDS.includes(inputs.sslVerify.trim().toLowerCase())) settings.push({ kind: 'ssl-verify-off', value: inputs.sslVerify, where: inputs.where('sslverify') });

    const ca: Array<[string | undefined | null, string]> = [
      [env.GIT_SSL_CAINFO, 'environment variable GIT_SSL_CAINFO'],
      [env.GIT_SSL_CAINFO === undefined ? inputs.sslCaInfo : null, inputs.where('sslcainfo')],
      [env.GIT_SSL_CAPATH, 'environment variable GIT_SSL_CAPATH'],
      [env.GIT_SSL_CAPATH === undefined ? inputs.sslCaPath : null, inputs.where('sslcapath')],
    ];
    for (const [value, where] of ca) if (value && !isSystemCaLocation(value)) settings.push({ kind: 'custom-ca', value, where });
  }

  const proxy = effectiveProxy(inputs, https);
  if (proxy && !exemptByNoProxy(env, inputs.url)) settings.push({ kind: 'proxy', value: maskProxy(proxy.value), where: proxy.where });
  return settings;
}

function effectiveProxy(inputs: TransportInputs, https: boolean): { value: string; where: string } | null {
  if (inputs.proxy !== null) return inputs.proxy === '' ? null : { value: inputs.proxy, where: inputs.where('proxy') };
  const names = [...(https ? ['HTTPS_PROXY', 'https_proxy'] : ['http_proxy'])];
  let found = pickLast(inputs.env, names);
  found ??= pickLast(inputs.env, ['ALL_PROXY', 'all_proxy']);
  if (!found || found.value === '') return null;
  return { value: found.value, where: `environment variable ${found.name}` };
}

/** git's var_override: each later variable that is set replaces the earlier one. */
function pickLast(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | null {
  let found: { name: string; value: string } | null = null;
  for (const name of names) if (env[name] !== undefined) found = { name, value: env[name]! };
  return found;
}

/** curl's no_proxy: "*", or host names that match exactly or as a domain suffix. */
function exemptByNoProxy(env: NodeJS.ProcessEnv, url: string): boolean {
  const list = env.no_proxy ?? env.NO_PROXY;
  const host = parseCredentialUrl(url)?.host?.replace(/:\d+$/, '').toLowerCase();
  if (!list || !host) return false;
  return list.split(/[\s,]+/).some((raw) => {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (entry === '*') return true;
    const domain = entry.replace(/^\*?\./, '');
    return domain !== '' && (host === domain || host.endsWith(`.${domain}`));
  });
}

/** A proxy address without its password. */
function maskProxy(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, '$1:•••••@');
}

/** The findings for a Bitbucket remote's HTTPS settings. */
export function transportFindings(settings: readonly TransportSetting[], remote: string, host: string, redact: (text: string) => string): Finding[] {
  const code = { 'ssl-verify-off': 'https.ssl-verify-off', 'custom-ca': 'https.custom-ca', proxy: 'https.proxy' } as const;
  return settings.map((s) =>
    finding(code[s.kind], {
      remote,
      evidence: [redact(`${s.where}: ${s.value}`)],
      params: { host, file: redact(s.value), url: redact(s.value), reason: redact(s.where) },
    }),
  );
}
