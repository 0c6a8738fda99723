import type { EngineContext } from '../context.js';
import { parseConfigWithOrigin, type ConfigScope } from '../credentials/helpers.js';
import { git } from '../git/git.js';

/**
 * `url.<base>.insteadOf` / `url.<base>.pushInsteadOf` rules, resolved the way git does
 * (remote.c alias_url): the longest matching prefix wins; among equal lengths, the base seen first
 * in config order. Pure except for `readUrlRewrites`.
 */
export interface UrlRewrite {
  /** The replacement: what the prefix turns into. */
  base: string;
  /** The value of insteadOf / pushInsteadOf: what URLs start with. */
  prefix: string;
  push: boolean;
  /** The config file the rule is written in (null: command line). */
  file: string | null;
  scope: ConfigScope;
}

export interface Rewritten {
  url: string;
  rule: UrlRewrite | null;
}

/** One alias_url pass over the rules of one kind (insteadOf, or pushInsteadOf). */
function aliasUrl(url: string, rules: readonly UrlRewrite[]): Rewritten {
  // git groups the prefixes by base, in the order each base first appears.
  const bases: string[] = [];
  for (const rule of rules) if (!bases.includes(rule.base)) bases.push(rule.base);
  let best: UrlRewrite | null = null;
  for (const base of bases) {
    for (const rule of rules) {
      if (rule.base !== base || !url.startsWith(rule.prefix)) continue;
      if (!best || best.prefix.length < rule.prefix.length) best = rule;
    }
  }
  return best ? { url: best.base + url.slice(best.prefix.length), rule: best } : { url, rule: null };
}

/** Where a fetch from `url` goes. */
export function fetchRewrite(url: string, rules: readonly UrlRewrite[]): Rewritten {
  return aliasUrl(url, rules.filter((r) => !r.push));
}

/** Where a push to `url` goes: a pushurl only through insteadOf; a url through pushInsteadOf first, else insteadOf. */
export function pushRewrite(url: string, rules: readonly UrlRewrite[], isPushUrl: boolean): Rewritten {
  if (!isPushUrl) {
    const pushed = aliasUrl(url, rules.filter((r) => r.push));
    if (pushed.rule) return pushed;
  }
  return fetchRewrite(url, rules);
}

/** Parses `url.<base>.insteadof` keys as `git config --get-regexp` prints them (lower-case names, base as written). */
export function ruleFromKey(key: string, prefix: string, origin: { file: string | null; scope: ConfigScope }): UrlRewrite | null {
  const match = /^url\.(.+)\.(insteadof|pushinsteadof)$/i.exec(key);
  if (!match) return null;
  return { base: match[1]!, prefix, push: match[2]!.toLowerCase() === 'pushinsteadof', file: origin.file, scope: origin.scope };
}

/** Every rewrite rule that applies in the repository (all scopes), in config order. Read-only. */
export async function readUrlRewrites(ctx: EngineContext, repoRoot: string): Promise<UrlRewrite[]> {
  const result = await git(ctx, ['config', '-z', '--show-origin', '--show-scope', '--get-regexp', '^url\\..*\\.(insteadof|pushinsteadof)$'], { cwd: repoRoot });
  if (result.exitCode !== 0) return [];
  return parseConfigWithOrigin(result.stdout, repoRoot)
    .map((entry) => (entry.value === null ? null : ruleFromKey(entry.origin.key, entry.value, entry.origin)))
    .filter((rule): rule is UrlRewrite => rule !== null);
}
