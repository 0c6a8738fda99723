import { addKeyJournaled, listAccountKeys, siteFor } from '../../account/operations.js';
import type { AccountKeysListing, KeyAddResult } from '../../contract/account.js';
import { createContext, DEFAULT_TIMEOUT_MS, type EngineContext } from '../../context.js';
import { resolveFixScope } from '../../fix/scope.js';
import type { FixScope } from '../../fix/types.js';
import { bitbucketHosts, parseCommandArgs, timeoutMs, UsageError } from '../args.js';
import { json, writer, type CliIo } from '../io.js';
import { createStyle, type Style } from '../style.js';
import { fail } from './account.js';
import { KEYS_USAGE } from '../usage.js';

const COMMON = {
  json: { type: 'boolean' },
  remote: { type: 'string' },
  timeout: { type: 'string' },
  'bitbucket-host': { type: 'string', multiple: true },
} as const;

/**
 * `push-doctor keys list|add`: the SSH keys on the linked account, and adding the key ssh offers
 * for Bitbucket (journaled: `push-doctor undo` deletes it again when the token may). In a
 * repository folder the remote's ssh settings decide which keys ssh offers.
 */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return list(rest, io);
  if (sub === 'add') return add(rest, io);
  throw new UsageError(sub ? `unknown keys command "${sub}": use list or add` : `keys needs a command: ${KEYS_USAGE}`);
}

function contextFor(io: CliIo, values: { timeout?: string; 'bitbucket-host'?: string[] }): EngineContext {
  return createContext({ env: io.env, timeoutMs: timeoutMs(values.timeout, DEFAULT_TIMEOUT_MS), bitbucketHosts: bitbucketHosts(values['bitbucket-host']) });
}

/** The current folder's repository and remote when it is one (a --remote must exist), else the user's own setup. */
async function scopeFor(ctx: EngineContext, io: CliIo, remote: string | undefined): Promise<FixScope> {
  try {
    return await resolveFixScope(ctx, io.cwd, remote);
  } catch (error) {
    if (remote) throw new UsageError(error instanceof Error ? error.message : String(error));
    return resolveFixScope(ctx, null);
  }
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMON);
  if (positionals.length) throw new UsageError('keys list takes no positional arguments');
  const ctx = contextFor(io, values);
  try {
    const listing = await listAccountKeys(ctx, await scopeFor(ctx, io, values.remote), siteFor(ctx));
    writer(io.stdout, ctx.secrets)(values.json ? json(listing) : formatListing(listing, createStyle(io.stdout, io.env)));
    return 0;
  } catch (error) {
    return fail(error, values.json ?? false, io, ctx);
  }
}

async function add(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON, key: { type: 'string' }, label: { type: 'string' } });
  if (positionals.length) throw new UsageError('keys add takes no positional arguments: name the key with --key FILE');
  if (values.label !== undefined && (!values.label.trim() || /[\r\n]/.test(values.label) || values.label.length > 200)) throw new UsageError('--label must be one line of text');
  const ctx = contextFor(io, values);
  const scope = await scopeFor(ctx, io, values.remote);
  let result: KeyAddResult;
  try {
    result = await addKeyJournaled(ctx, { site: siteFor(ctx), scope, keyFile: values.key, label: values.label });
  } catch (error) {
    return fail(error, values.json ?? false, io, ctx);
  }
  const style = createStyle(io.stdout, io.env);
  const out = writer(io.stdout, ctx.secrets);
  if (values.json) out(json(result));
  else out(`${style.ok('✓')} ${result.message}\n${result.fingerprint}\n${result.added ? style.dim('Undo with: push-doctor undo\n') : ''}`);
  return 0;
}

function formatListing(l: AccountKeysListing, style: Style): string {
  const lines = [style.bold(`SSH keys of ${l.username ?? 'your account'} on ${l.site}`)];
  if (l.keys.length === 0) lines.push('  (none)');
  for (const k of l.keys) {
    const mark = k.offered ? style.ok('✓') : ' ';
    lines.push(`  ${mark} ${k.fingerprint}  ${k.type}  ${k.label || style.dim('(no label)')}${k.offered ? style.dim(`  ← ssh offers it to ${l.sshHost}`) : ''}`);
  }
  const missing = l.offered.filter((k) => !k.onAccount);
  if (missing.length) {
    lines.push('', `Offered by ssh to ${l.sshHost} but not on this account:`);
    for (const k of missing) lines.push(`  ${style.warn('!')} ${k.fingerprint}  ${k.path ?? '(agent)'}`);
    lines.push(style.dim('  Add one with: push-doctor keys add'));
  }
  if (l.offered.length === 0) lines.push('', style.warn(`! ssh offers no key to ${l.sshHost}${l.note ? ` (${l.note})` : ''}: create one with push-doctor keygen`));
  return `${lines.join('\n')}\n`;
}

