import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PlannedChange } from '../../contract/fixes.js';
import type { EngineContext } from '../../context.js';
import { inspectOpenSsh, type OpenSshBuild } from '../../env/apple-tools.js';
import { APPLE_ONLY_SSH_KEYWORD } from '../../facts/macos.js';
import { inspectSshEndpoint } from '../../ssh/endpoint.js';
import { inspectIdentityFile } from '../../ssh/keys.js';
import { openProbeSession, probeAuth } from '../../ssh/probe.js';
import { readTextIfExists } from '../atomic-write.js';
import { oncePerContext } from '../memo.js';
import { bitbucketHostOptions, ensureIgnoreUnknown, readHostBlock, upsertHostBlock, type UpsertResult } from '../edit/ssh-config.js';
import { resolveSshFixTarget, sshConfigFileOf, type SshFixTarget } from '../ssh-target.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';
import { keyFromJournal } from './ssh-generate-key.js';

/** OpenSSH's default key names, newest type first: the last resort when nothing names a key. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface ChosenKey {
  path: string;
  /** How the block spells it (the user's own spelling when it is the same file). */
  value: string;
  why: string;
}

interface HostEdit {
  target: SshFixTarget;
  configFile: string;
  /** The file does not exist yet (created 0600), nor maybe its folder (created 0700). */
  fileExists: boolean;
  dirExists: boolean;
  key: ChosenKey;
  edit: UpsertResult;
  /** UseKeychain is in the block (Apple's ssh, and IgnoreUnknown protects every other ssh). */
  useKeychain: boolean;
  /** The file's first IgnoreUnknown is added or extended for it. */
  ignoreUnknownAdded: boolean;
  /** Why UseKeychain was left out although git runs Apple's ssh, or null. */
  keychainNote: string | null;
  ssh: OpenSshBuild | null;
}

type Planned = { ok: true; value: HostEdit } | { ok: false; reason: string; manualSteps?: string[] };

const exists = (file: string) => stat(file).then((s) => s.isFile() || s.isDirectory(), () => false);

/**
 * `~/…` when the key is under the home ssh itself expands `~` to (the password database's), else
 * absolute; `%` doubled, since ssh expands `%` tokens in IdentityFile.
 */
function spelled(ctx: EngineContext, keyPath: string): string {
  return tildePath(ctx, keyPath).replace(/%/g, '%%');
}

function tildePath(ctx: EngineContext, keyPath: string): string {
  let passwdHome: string | null = null;
  try {
    passwdHome = os.userInfo().homedir;
  } catch {
    passwdHome = null;
  }
  if (passwdHome && path.resolve(passwdHome) === path.resolve(ctx.homeDir) && keyPath.startsWith(`${path.resolve(ctx.homeDir)}${path.sep}`)) {
    return `~/${path.relative(ctx.homeDir, keyPath).split(path.sep).join('/')}`;
  }
  return keyPath;
}

const expand = (ctx: EngineContext, value: string) => path.resolve(value.replace(/^~(?=\/|$)/, ctx.homeDir));

/**
 * Which key the block names: the key ssh.generate-key made (journal), else the key this block
 * already names, else (only when `probe`) the key Bitbucket accepts or the first one ssh offers in
 * a read-only `ssh -v -T`, else the first identity file ssh -G lists or a default key that exists.
 */
async function chooseKey(ctx: EngineContext, target: SshFixTarget, current: string | undefined, probe: boolean): Promise<ChosenKey | null> {
  const pick = (file: string, why: string): ChosenKey => ({ path: file, value: current && expand(ctx, current) === file ? current : spelled(ctx, file), why });
  const created = await keyFromJournal(ctx);
  if (created) return pick(created.privateKeyPath, 'the key Push Doctor created (ssh.generate-key)');
  if (current && (await exists(expand(ctx, current)))) return pick(expand(ctx, current), 'the key this block already names');
  if (probe) {
    const seen = await oncePerContext(ctx, `ssh -v ${target.cwd} ${target.url.display}`, () => offeredKeys(ctx, target));
    if (seen.accepted && (await exists(seen.accepted))) return pick(seen.accepted, `${target.host} accepted this key (ssh -v)`);
    for (const offered of seen.offered) {
      if (await exists(offered)) return pick(offered, `ssh offers this key first; ${target.host} did not accept it yet: add its public key in Bitbucket`);
    }
  }
  const candidates = [...(target.endpoint.config?.identityFiles ?? []), ...DEFAULT_KEYS.map((name) => path.join(ctx.homeDir, '.ssh', name))];
  for (const file of candidates) {
    const info = await inspectIdentityFile(file, ctx.platform);
    if (info.exists && !info.problem) return pick(file, 'the first key ssh would use that exists');
  }
  return null;
}

/** A read-only `ssh -v -T` through the user's command: the key files ssh offered, and the one the server accepted. */
async function offeredKeys(ctx: EngineContext, target: SshFixTarget): Promise<{ accepted: string | null; offered: string[] }> {
  const session = await openProbeSession(ctx, target.endpoint);
  try {
    const run = await probeAuth(ctx, target.endpoint, session, { verbose: true });
    const files = (labels: Array<string | undefined>) => labels.filter((l): l is string => Boolean(l && path.isAbsolute(l)));
    return { accepted: files([run.verbose?.accepted?.label])[0] ?? null, offered: files((run.verbose?.offered ?? []).map((k) => k.label)) };
  } finally {
    await session.dispose();
  }
}

async function planEdit(ctx: EngineContext, scope: FixScope, probe: boolean): Promise<Planned> {
  const resolved = await resolveSshFixTarget(ctx, scope);
  if (!resolved.ok) return { ok: false, reason: resolved.reason };
  const target = resolved.target;
  const variant = target.endpoint.variant;
  if (variant !== 'ssh') {
    return {
      ok: false,
      reason: `git runs ${variant === 'simple' ? 'an ssh program that is not OpenSSH' : 'PuTTY'} for SSH, which does not read ~/.ssh/config.`,
      manualSteps: variant === 'simple' ? [] : ['Load your key in Pageant, or set it in the PuTTY session for the host (Connection > SSH > Auth > Private key file).'],
    };
  }
  const { file: configFile, reason } = sshConfigFileOf(target.endpoint.command, ctx.homeDir, target.cwd);
  if (!configFile) return { ok: false, reason: `ssh reads no config file that could be changed: ${reason}.` };
  const text = await readTextIfExists(configFile);
  const current = readHostBlock(text ?? '', target.host)?.get('identityfile')?.[0];
  const key = await chooseKey(ctx, target, current, probe);
  if (!key) return { ok: false, reason: 'No private key file was found; create one first (ssh.generate-key).' };
  const ssh = await sshGitRuns(ctx, target);
  let edit: UpsertResult;
  let useKeychain = false;
  let ignoreUnknownAdded = false;
  let keychainNote: string | null = null;
  try {
    let base = text ?? '';
    if (ssh?.apple) {
      // UseKeychain stops every other ssh that reads the file (Homebrew's too): only with IgnoreUnknown before it.
      const ignored = ensureIgnoreUnknown(base, APPLE_ONLY_SSH_KEYWORD);
      if (ignored.ok) {
        base = ignored.text;
        useKeychain = true;
        ignoreUnknownAdded = ignored.changed;
      } else keychainNote = `UseKeychain is left out: ${ignored.reason}, so another ssh could stop at it.`;
    }
    const upserted = upsertHostBlock(base, target.host, bitbucketHostOptions({ identityFile: key.value, useKeychain }));
    edit = { ...upserted, changed: upserted.text !== (text ?? '') };
  } catch (error) {
    return { ok: false, reason: `The ssh config cannot be edited safely: ${(error as Error).message}.` };
  }
  return { ok: true, value: { target, configFile, fileExists: text !== null, dirExists: await exists(path.dirname(configFile)), key, edit, useKeychain, ignoreUnknownAdded, keychainNote, ssh } };
}

/** On macOS, the OpenSSH git runs for this target (its program and `-V`), once per context; null elsewhere, or when git runs something else or a script. */
function sshGitRuns(ctx: EngineContext, target: SshFixTarget): Promise<OpenSshBuild | null> {
  const program = target.endpoint.command.program;
  if (ctx.platform !== 'darwin' || target.endpoint.variant !== 'ssh' || !program || /[=$`]/.test(program)) return Promise.resolve(null);
  return oncePerContext(ctx, `ssh -V ${program}`, () => inspectOpenSsh(ctx, program));
}

function settingsWords(key: ChosenKey, useKeychain: boolean): string {
  return `IdentityFile ${key.value}, IdentitiesOnly yes, AddKeysToAgent yes${useKeychain ? ', UseKeychain yes' : ''}, User git`;
}

/** ssh.configure-host: a `Host` block for the remote's SSH host naming the key, in the config file ssh really reads. */
export const configureHost: Fix = {
  id: 'ssh.configure-host',

  async describe(ctx, scope) {
    const planned = await planEdit(ctx, scope, true);
    if (!planned.ok) return fixPlan(this.id, { applicable: false, reason: planned.reason, manualSteps: planned.manualSteps ?? [] });
    const { target, configFile, fileExists, dirExists, key, edit, useKeychain, ignoreUnknownAdded, keychainNote, ssh } = planned.value;
    if (!edit.changed) return fixPlan(this.id, { applicable: false, reason: `${configFile} already points ssh at ${key.value} for ${target.host}.` });
    const block = readHostBlock((await readTextIfExists(configFile)) ?? '', target.host) ? 'Update the' : 'Add a';
    const changes: PlannedChange[] = [
      ...(dirExists ? [] : [{ target: path.dirname(configFile), action: 'Create the folder (mode 700)' }]),
      {
        target: configFile,
        action: `${fileExists ? `${block} "Host ${target.host}" block` : `Create it (mode 600) with a "Host ${target.host}" block`}: ${settingsWords(key, useKeychain)}${ignoreUnknownAdded ? '; and "IgnoreUnknown UseKeychain" first in the file' : ''}`,
      },
    ];
    const fingerprint = (await inspectIdentityFile(key.path, ctx.platform)).fingerprint;
    return fixPlan(this.id, {
      applicable: true,
      changes,
      details: [
        `Key: ${key.path}${fingerprint ? ` (${fingerprint})` : ''}: ${key.why}.`,
        `IdentitiesOnly yes: ssh offers ${target.host} only this key (no other account's key, no "Too many authentication failures"). AddKeysToAgent yes: once unlocked, the key stays in the agent.`,
        ...(target.derived ? [`The remote uses HTTPS today; ${target.host} is the host Bitbucket Cloud serves SSH on.`] : []),
        ...(useKeychain
          ? [`UseKeychain yes: git runs Apple's ssh (${ssh?.banner ?? ssh?.program}), which keeps the key's passphrase in your login keychain. "IgnoreUnknown UseKeychain" at the top of the file makes other ssh programs (Homebrew's) skip that line instead of refusing the whole file.`]
          : []),
        ...(keychainNote ? [keychainNote] : []),
        ...edit.shadowed.map((s) => `Line ${s.line} of ${configFile} sets ${s.keyword} for this host before the block: ssh uses the first value it reads (checked with ssh -G after the change).`),
        'Every other line of the file (comments, Include, Match and other Host blocks) stays exactly as it is.',
      ],
    });
  },

  async inEffect(ctx, scope) {
    const planned = await planEdit(ctx, scope, false);
    return { inEffect: planned.ok && !planned.value.edit.changed, outcome: { message: `ssh already uses ${planned.ok ? planned.value.key.value : 'the key'} for this host.` } };
  },

  async apply(ctx, scope, change) {
    const planned = await planEdit(ctx, scope, true);
    if (!planned.ok) throw new Error(planned.reason);
    const { target, configFile, key, edit } = planned.value;
    // ssh reads ~/.ssh/config only when it is not writable by others; a new folder is private.
    await change.ensureDir(path.dirname(configFile), 0o700);
    // Its old bytes are an undo secret: an ssh config can hold a password (sshpass -p in a ProxyCommand).
    await change.writeFile(configFile, edit.text, { mode: 0o600, sensitive: true });
    return { message: `ssh now uses ${key.value} for ${target.host} (${configFile}).` };
  },

  async verify(ctx, scope) {
    const resolved = await resolveSshFixTarget(ctx, scope);
    if (!resolved.ok) return { ok: false, detail: resolved.reason };
    const { target } = resolved;
    const config = (await inspectSshEndpoint(ctx, target.cwd, target.url)).config;
    if (!config) return { ok: false, detail: 'ssh -G failed' };
    const planned = await planEdit(ctx, scope, false);
    if (!planned.ok) return { ok: false, detail: planned.reason };
    const keyPath = planned.value.key.path;
    const addKeys = config.raw.get('addkeystoagent')?.[0];
    const problems = [
      !config.identityFiles.map((f) => path.resolve(f)).includes(keyPath) ? `ssh -G does not list ${keyPath} as an identity file` : null,
      config.identitiesOnly ? null : 'ssh -G says IdentitiesOnly no (an earlier line wins)',
      addKeys === 'yes' || addKeys === 'true' ? null : `ssh -G says AddKeysToAgent ${addKeys ?? 'no'} (an earlier line wins)`,
      planned.value.useKeychain && !/usekeychain/i.test(config.raw.get('ignoreunknown')?.[0] ?? '') ? 'ssh -G does not read "IgnoreUnknown UseKeychain" first: another ssh would refuse the file' : null,
    ].filter(Boolean);
    if (problems.length) return { ok: false, detail: problems.join('; ') };
    const first = config.identityFiles[0] ? path.resolve(config.identityFiles[0]) : null;
    return { ok: true, detail: `ssh -G for ${target.host} lists ${keyPath}${first === keyPath ? ' first' : ''}, IdentitiesOnly yes, AddKeysToAgent yes.` };
  },
};
