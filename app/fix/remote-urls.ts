import { readFile } from 'node:fs/promises';
import type { EngineContext } from '../context.js';
import type { PlannedChange } from '../contract/fixes.js';
import { parseConfigWithOrigin } from '../credentials/helpers.js';
import { git } from '../git/git.js';
import { fetchRewrite, pushRewrite, readUrlRewrites, type UrlRewrite } from '../repo/rewrites.js';
import { maskUrlPassword, parseRemoteUrl } from '../repo/url.js';
import type { UrlTransform } from '../repo/url-edit.js';
import { renameUrlSection } from './edit/git-config-text.js';
import type { ChangeRecorder } from './change-recorder.js';

/**
 * Changes a remote's URLs where the user configured them: `remote.NAME.pushurl` when push uses
 * it, `remote.NAME.url` otherwise, or the `url.<base>.insteadOf` / `pushInsteadOf` rule a URL was
 * rewritten by when the problem lives in the rule. Every change goes through the journal (git
 * config for plain edits), so undo restores each file byte for byte. Values that hold a secret are
 * never put on a command line: old values are never passed to git, and a rule whose name holds a
 * secret is renamed in the file's text.
 */

/** Which of the remote's URLs a fix is about. */
export interface UrlScope {
  /** push: the URLs push uses (pushurl, else url); all: every URL of the remote. */
  roles: 'push' | 'all';
  /**
   * false: only where git really connects counts (a pushInsteadOf that already goes over SSH is
   * fine); true: what is written counts too (a secret or an email in the config is a problem even
   * when a rewrite replaces it).
   */
  written: boolean;
}

interface ConfiguredUrl {
  /** "remote.origin.url" or "remote.origin.pushurl" as git prints it. */
  key: string;
  kind: 'url' | 'pushurl';
  value: string;
  file: string | null;
}

/** All values of one key in one file, before and after. */
export interface ValueEdit {
  kind: 'value';
  key: string;
  file: string;
  before: string[];
  after: string[];
}

/** A rewrite rule whose base changes (the section `url "<base>"` is renamed: all its prefixes follow). */
export interface RuleEdit {
  kind: 'rule';
  file: string;
  oldBase: string;
  newBase: string;
  prefixes: string[];
}

export type UrlEdit = ValueEdit | RuleEdit;

export interface UrlEditPlan {
  edits: UrlEdit[];
  /** Why some URL this fix is about cannot be changed (one sentence each). */
  refusals: string[];
  /** URLs already as the fix wants them. */
  satisfied: number;
}

async function readConfiguredUrls(ctx: EngineContext, repoRoot: string, remote: string): Promise<ConfiguredUrl[]> {
  const pattern = `^remote\\.${remote.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(url|pushurl)$`;
  const result = await git(ctx, ['config', '-z', '--show-origin', '--show-scope', '--get-regexp', pattern], { cwd: repoRoot });
  if (result.exitCode !== 0) return [];
  return parseConfigWithOrigin(result.stdout, repoRoot)
    .filter((entry) => entry.value !== null)
    .map((entry) => ({
      key: entry.origin.key,
      kind: entry.origin.key.toLowerCase().endsWith('.pushurl') ? ('pushurl' as const) : ('url' as const),
      value: entry.value!,
      file: entry.origin.file,
    }));
}

/** Passwords in any URL we look at are secrets of this run: redaction masks them everywhere. */
function registerSecrets(ctx: EngineContext, raw: string): void {
  const url = parseRemoteUrl(raw);
  if (url.ok && url.url.password) ctx.secrets.add(url.url.password);
}

/**
 * Plans the edits that make `transform` hold for the remote's URLs. For each URL: if the value as
 * written shows the problem, the value changes; else, if a rule rewrote it and the rewritten URL
 * shows the problem, the rule's base changes (or, when the change does not fit in the base, the
 * value becomes the full new URL). A URL whose rewritten form is already right is left alone
 * unless `written` says the written value counts too.
 */
export async function planRemoteUrlEdits(ctx: EngineContext, repoRoot: string, remote: string, transform: UrlTransform, { roles, written }: UrlScope): Promise<UrlEditPlan> {
  const [configured, rules] = await Promise.all([readConfiguredUrls(ctx, repoRoot, remote), readUrlRewrites(ctx, repoRoot)]);
  for (const c of configured) registerSecrets(ctx, c.value);
  for (const r of rules) registerSecrets(ctx, r.base);
  const hasPushUrl = configured.some((c) => c.kind === 'pushurl');
  const valueChanges = new Map<ConfiguredUrl, string>();
  const ruleChanges = new Map<UrlRewrite, string>();
  const refusals: string[] = [];
  let satisfied = 0;

  for (const c of configured) {
    // Push uses the pushurls when there are any, else the url; fetch always uses the url.
    const usedForPush = c.kind === 'pushurl' || !hasPushUrl;
    if (roles === 'push' && !usedForPush) continue;
    const uses = [c.kind === 'pushurl' ? pushRewrite(c.value, rules, true) : usedForPush ? pushRewrite(c.value, rules, false) : fetchRewrite(c.value, rules)];
    if (c.kind === 'url' && usedForPush && roles === 'all') uses.push(fetchRewrite(c.value, rules));
    for (const use of uses) {
      registerSecrets(ctx, use.url);
      const direct = transform(c.value);
      const effective = use.rule ? transform(use.url) : direct;
      // Where git really connects decides, unless what is written matters in itself (a secret, a username).
      if (effective.kind === 'ok' && !(written && (direct.kind === 'change' || direct.kind === 'refuse'))) {
        satisfied++;
        continue;
      }
      if (direct.kind === 'change') valueChanges.set(c, direct.url);
      else if (direct.kind === 'refuse') refusals.push(direct.reason);
      else if (effective.kind === 'refuse') refusals.push(effective.reason);
      else if (effective.kind === 'change' && use.rule) {
        // The written value is fine: the problem comes from the rule that rewrote it.
        const rest = c.value.slice(use.rule.prefix.length);
        if (!effective.url.endsWith(rest)) valueChanges.set(c, effective.url);
        else if (use.rule.file) ruleChanges.set(use.rule, effective.url.slice(0, effective.url.length - rest.length));
        else refusals.push(`the rewrite rule for ${use.rule.prefix} was given on the command line`);
      }
    }
  }

  const edits: UrlEdit[] = [];
  for (const file of new Set([...valueChanges.keys()].map((c) => c.file))) {
    if (file === null) {
      refusals.push('a remote URL was given on the command line, not in a config file');
      continue;
    }
    for (const key of new Set(configured.filter((c) => c.file === file && valueChanges.has(c)).map((c) => c.key))) {
      const values = configured.filter((c) => c.file === file && c.key === key);
      const after = values.map((c) => valueChanges.get(c) ?? c.value);
      // Rewriting a list of values passes every one of them to git: none may hold a secret.
      if (after.some((v) => ctx.secrets.redact(v) !== v)) refusals.push(`another URL in ${key} holds a password or token: take it out first (remote.remove-secret)`);
      else edits.push({ kind: 'value', key, file, before: values.map((c) => c.value), after });
    }
  }
  for (const [rule, newBase] of ruleChanges) {
    if (edits.some((e) => e.kind === 'rule' && e.file === rule.file && e.oldBase === rule.base)) continue;
    const prefixes = rules.filter((r) => r.base === rule.base && r.file === rule.file).map((r) => `${r.push ? 'pushInsteadOf' : 'insteadOf'} ${r.prefix}`);
    edits.push({ kind: 'rule', file: rule.file!, oldBase: rule.base, newBase, prefixes });
  }
  return { edits, refusals: [...new Set(refusals)], satisfied };
}

/** A URL as it may be shown: its password (or a token written as the user name) masked. */
export function showUrl(raw: string): string {
  const url = parseRemoteUrl(raw);
  return url.ok ? url.url.display : maskUrlPassword(raw);
}

/** The dry run's lines: which config key changes from what to what. */
export function describeUrlEdits(edits: readonly UrlEdit[]): PlannedChange[] {
  return edits.map((edit) => {
    if (edit.kind === 'value') {
      const pairs = edit.before.map((b, i) => (b === edit.after[i] ? null : `${showUrl(b)} → ${showUrl(edit.after[i]!)}`)).filter(Boolean);
      return { target: edit.file, action: `Change ${edit.key} from ${pairs.join('; ')}` };
    }
    return {
      target: edit.file,
      action: `Change the rewrite rule [url "${showUrl(edit.oldBase)}"] (${edit.prefixes.join(', ')}) to [url "${showUrl(edit.newBase)}"]; it applies to every URL that starts with ${edit.prefixes.map((p) => p.split(' ')[1]).join(' or ')}`,
    };
  });
}

/** Applies the planned edits through the journal. */
export async function applyUrlEdits(ctx: EngineContext, change: ChangeRecorder, repoRoot: string, edits: readonly UrlEdit[]): Promise<void> {
  for (const edit of edits) {
    const config = (...changes: string[][]) => {
      // A value that still holds a secret would reach git's command line: refuse instead (remove-secret takes it out first).
      if (changes.flat().some((arg) => ctx.secrets.redact(arg) !== arg)) throw new Error('a URL of this remote holds a password or token: take it out first (remote.remove-secret)');
      return change.editGitConfig(edit.file, changes, { cwd: repoRoot });
    };
    if (edit.kind === 'value') {
      if (edit.before.length === 1 && edit.after.length === 1) {
        await config([edit.key, edit.after[0]!]);
      } else {
        // Old values may hold secrets: never pass them to git; replace the whole list instead (one change of the file).
        await config(['--unset-all', edit.key], ...edit.after.map((value) => ['--add', edit.key, value]));
      }
      continue;
    }
    const secret = ctx.secrets.redact(edit.oldBase) !== edit.oldBase || ctx.secrets.redact(edit.newBase) !== edit.newBase;
    if (!secret) {
      await config(['--rename-section', `url.${edit.oldBase}`, `url.${edit.newBase}`]);
      continue;
    }
    const text = await readFile(edit.file, 'utf8');
    const renamed = renameUrlSection(text, edit.oldBase, edit.newBase);
    if (renamed === null) throw new Error(`the rewrite rule's section was not found in ${edit.file}`);
    await change.writeFile(edit.file, renamed, { sensitive: true });
  }
}
