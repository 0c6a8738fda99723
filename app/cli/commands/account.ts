import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AccountError, accountStatus, linkAccount, siteFor, unlinkAccount } from '../../account/operations.js';
import { CLOUD_SITE } from '../../account/link.js';
import type { AccountLinkInput, AccountStatus, ScopeCheck } from '../../contract/account.js';
import { createContext, DEFAULT_TIMEOUT_MS, type EngineContext } from '../../context.js';
import { ACCOUNT_LINK_SCOPES, LINKS, SCOPES_FOR_PUSH } from '../../facts/bitbucket.js';
import { bitbucketHosts, parseCommandArgs, timeoutMs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { readStdin } from '../stdin.js';
import { createStyle, type Style } from '../style.js';
import { ACCOUNT_USAGE } from '../usage.js';

const COMMON = {
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  'bitbucket-host': { type: 'string', multiple: true },
} as const;

function contextFor(io: CliIo, values: { timeout?: string; 'bitbucket-host'?: string[] }): EngineContext {
  const hosts = bitbucketHosts(values['bitbucket-host']);
  if (hosts.length > 1) throw new UsageError('give one --bitbucket-host: an account link is for one server');
  return createContext({ env: io.env, timeoutMs: timeoutMs(values.timeout, DEFAULT_TIMEOUT_MS), bitbucketHosts: hosts });
}

/**
 * `push-doctor account link|status|unlink`: the account link in the system keychain. Exit 0 done
 * (status: linked and the token accepted), 1 a problem, 2 bad input.
 */
export async function accountCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'link') return link(rest, io);
  if (sub === 'status') return status(rest, io);
  if (sub === 'unlink') return unlink(rest, io);
  throw new UsageError(sub ? `unknown account command "${sub}": use link, status or unlink` : `account needs a command: ${ACCOUNT_USAGE}`);
}

async function link(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON, 'input-stdin': { type: 'boolean' } });
  if (positionals.length) throw new UsageError('account link takes no positional arguments: the email and token come on stdin (--input-stdin) or from the prompt');
  const ctx = contextFor(io, values);
  const site = siteFor(ctx);
  const out = writer(io.stdout, ctx.secrets);
  let input: AccountLinkInput;
  if (values['input-stdin']) input = parseLinkInput(await readStdin(io.stdin), site);
  else if (io.stdin.isTTY && io.stdout.isTTY && !values.json) input = await promptLinkInput(io, site);
  else throw new UsageError(`account link reads one JSON object on stdin with --input-stdin, e.g. ${site === CLOUD_SITE ? '{"email": "you@example.com", "token": "..."}' : '{"username": "jdoe", "token": "..."}'}`);
  try {
    const result = await linkAccount(ctx, input);
    out(values.json ? json(result) : formatStatus(result, createStyle(io.stdout, io.env)));
    return 0;
  } catch (error) {
    return fail(error, values.json ?? false, io, ctx);
  }
}

async function status(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMON);
  if (positionals.length) throw new UsageError('account status takes no positional arguments');
  const ctx = contextFor(io, values);
  const result = await accountStatus(ctx);
  writer(io.stdout, ctx.secrets)(values.json ? json(result) : formatStatus(result, createStyle(io.stdout, io.env)));
  return result.linked && result.tokenValid === true ? 0 : 1;
}

async function unlink(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMON);
  if (positionals.length) throw new UsageError('account unlink takes no positional arguments');
  const ctx = contextFor(io, values);
  try {
    const result = await unlinkAccount(ctx);
    const style = createStyle(io.stdout, io.env);
    writer(io.stdout, ctx.secrets)(values.json ? json(result) : `${style.ok('✓')} ${result.message}\n`);
    return 0;
  } catch (error) {
    return fail(error, values.json ?? false, io, ctx);
  }
}

/** An AccountError: one line (or {"error": {code, message}} with --json) and exit 2 for bad input, else 1. */
export function fail(error: unknown, asJson: boolean, io: CliIo, ctx: EngineContext): number {
  if (!(error instanceof AccountError)) throw error;
  if (asJson) writer(io.stdout, ctx.secrets)(json({ error: { code: error.code, message: error.message } }));
  else writer(io.stderr, ctx.secrets)(`push-doctor: ${error.message}\n`);
  return error.code === 'input' ? 2 : 1;
}

/** {"email", "token"} for Cloud; {"username", "token"} (and optionally "server" with a context path) for Data Center. */
export function parseLinkInput(text: string, site: string): AccountLinkInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--input-stdin expects one JSON object on stdin, e.g. {"email": "you@example.com", "token": "..."}');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--input-stdin expects a JSON object');
  const v = value as Record<string, unknown>;
  const field = (key: string, required: boolean): string | undefined => {
    const item = v[key];
    if (item === undefined && !required) return undefined;
    if (typeof item !== 'string' || item.length === 0 || item.length > 4096) throw new UsageError(`--input-stdin: "${key}" must be a non-empty string`);
    return item;
  };
  const known = site === CLOUD_SITE ? ['email', 'token'] : ['username', 'token', 'server'];
  const unknown = Object.keys(v).filter((k) => !known.includes(k));
  if (unknown.length) throw new UsageError(`--input-stdin: unexpected field${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; expected ${known.join(', ')}`);
  if (site === CLOUD_SITE) return { kind: 'cloud', email: field('email', true)!, token: field('token', true)! };
  return { kind: 'datacenter', server: field('server', false) ?? site, username: field('username', true)!, token: field('token', true)! };
}

/** Asks on the terminal; the token is not echoed. */
async function promptLinkInput(io: CliIo, site: string): Promise<AccountLinkInput> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) io.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  const ask = (question: string, hidden = false) =>
    new Promise<string>((resolve) => {
      rl.question(question, (answer) => {
        muted = false;
        if (hidden) io.stdout.write('\n');
        resolve(answer.trim());
      });
      muted = hidden;
    });
  try {
    if (site === CLOUD_SITE) {
      io.stdout.write(`Create an API token with scopes at ${LINKS.createApiToken} (${[...ACCOUNT_LINK_SCOPES.map((s) => s.scope), ...SCOPES_FOR_PUSH].join(', ')}).\n`);
      const email = await ask('Atlassian account email: ');
      const token = await ask('API token (not shown): ', true);
      return { kind: 'cloud', email, token };
    }
    const username = await ask(`Username on ${site}: `);
    const token = await ask('HTTP access token (not shown): ', true);
    return { kind: 'datacenter', server: site, username, token };
  } finally {
    rl.close();
  }
}

const MARK = { yes: '✓', no: '✗', unknown: '?' } as const;

/** `gh auth status`-like: the site, then one line per check. */
export function formatStatus(s: AccountStatus, style: Style): string {
  const lines = [style.bold(s.site)];
  const ok = (text: string) => `  ${style.ok('✓')} ${text}`;
  const bad = (text: string) => `  ${style.error('✗')} ${text}`;
  const warn = (text: string) => `  ${style.warn('!')} ${text}`;
  if (!s.linked) {
    const how = s.keyring === 'none' ? ` Link it with: push-doctor account link${s.site === CLOUD_SITE ? '' : ` --bitbucket-host ${s.site}`} --input-stdin` : '';
    lines.push((s.keyring === 'none' ? warn : bad)(`${s.message}${how}`));
    return `${lines.join('\n')}\n`;
  }
  lines.push(ok(`Linked: ${s.login} (${s.source === 'environment' ? 'BITBUCKET_API_TOKEN in the environment' : 'system keychain'})`));
  if (s.tokenValid === true) {
    lines.push(ok(`Bitbucket user: ${s.username ?? '(not named)'}${s.displayName ? ` (${s.displayName})` : ''}`));
    lines.push(ok('Token: accepted'));
  } else lines.push((s.tokenValid === false ? bad : warn)(`Token: ${s.message}`));
  const scope = (title: string, check: ScopeCheck) => {
    const mark = check.status === 'yes' ? style.ok(MARK.yes) : check.status === 'no' ? style.error(MARK.no) : style.warn(MARK.unknown);
    return `  ${mark} ${title}: ${check.detail}`;
  };
  lines.push(scope('Scopes for git push', s.scopes.push), scope('Scopes for SSH keys', s.scopes.sshKeys));
  if (s.scopes.push.status === 'no' || s.scopes.sshKeys.status === 'no') lines.push(style.dim(`  Scopes cannot be added to a token: create a new one at ${LINKS.createApiToken} and link it again.`));
  return `${lines.join('\n')}\n`;
}
