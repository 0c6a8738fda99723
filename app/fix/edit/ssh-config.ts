/**
 * Pure editor for ssh_config(5) text: adds or updates one `Host <name>` block and leaves every
 * other byte as it was (comments, blank lines, indentation, Include, Match and other Host blocks,
 * CRLF line ends, a missing final newline). Undo does not need a remover: it restores the bytes.
 *
 * ssh_config semantics that matter here:
 * - For each keyword the FIRST value obtained wins (IdentityFile accumulates, earliest tried first),
 *   so a block for a specific host must come before any `Host *` or `Match` block that could set
 *   the same keys.
 * - A Host or Match line starts a section that lasts until the next one: a block can only be put
 *   at a section boundary (before a Host/Match line, or at the end), never inside a Match block,
 *   never in the middle of the global lines at the top.
 * - Keywords are case-insensitive and may be separated from their value by whitespace or `=`.
 */
import { APPLE_ONLY_SSH_KEYWORD, IGNORE_UNKNOWN_KEYWORD } from '../../facts/macos.js';
import { appendLines, detectEol, joinLines, splitLines, type Line } from './lines.js';

export interface SshOption {
  /** Keyword as it should be written ("IdentityFile"). */
  keyword: string;
  value: string;
}

export interface UpsertResult {
  text: string;
  changed: boolean;
  /**
   * Keys of our block that an earlier section (the global lines, or a Host/Match block before
   * ours that may apply) also sets: ssh would use (or try first) that earlier value. The fix's
   * verify step (ssh -G) decides whether that matters.
   */
  shadowed: Array<{ keyword: string; line: number }>;
}

interface Directive {
  indent: string;
  keyword: string;
  separator: string;
  args: string;
}

interface Section {
  kind: 'global' | 'host' | 'match';
  /** Index of the Host/Match line (global: -1). */
  header: number;
  /** First line index after the section. */
  end: number;
  patterns: string[];
}

const DIRECTIVE = /^([ \t]*)([A-Za-z][A-Za-z0-9]*)([ \t]*=[ \t]*|[ \t]+|$)(.*)$/;

function parseDirective(text: string): Directive | null {
  if (/^\s*(#|$)/.test(text)) return null;
  const match = DIRECTIVE.exec(text);
  if (!match) return null;
  return { indent: match[1]!, keyword: match[2]!, separator: match[3]!, args: match[4]! };
}

/** Arguments split the way ssh does: whitespace-separated, double quotes group. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|([^\s"]+)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(args)) !== null) out.push(match[1] ?? match[2]!);
  return out;
}

function sections(lines: Line[]): Section[] {
  const out: Section[] = [{ kind: 'global', header: -1, end: lines.length, patterns: [] }];
  lines.forEach((line, index) => {
    const directive = parseDirective(line.text);
    const keyword = directive?.keyword.toLowerCase();
    if (keyword !== 'host' && keyword !== 'match') return;
    out[out.length - 1]!.end = index;
    out.push({ kind: keyword, header: index, end: lines.length, patterns: splitArgs(directive!.args) });
  });
  return out;
}

/** ssh's pattern match (`*`, `?`), case-insensitive like match_hostname. */
function patternMatches(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(host);
}

/** Could this section's settings apply to the host? Match conditions are not evaluated: assume yes. */
function mayApply(section: Section, host: string): boolean {
  if (section.kind !== 'host') return true;
  let matched = false;
  for (const pattern of section.patterns) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), host)) return false;
    } else if (patternMatches(pattern, host)) matched = true;
  }
  return matched;
}

function isExactBlock(section: Section, host: string): boolean {
  return section.kind === 'host' && section.patterns.length === 1 && section.patterns[0]!.toLowerCase() === host.toLowerCase();
}

function quote(value: string): string {
  return /\s/.test(value) ? `"${value}"` : value;
}

function sameValue(current: string, wanted: string): boolean {
  const now = splitArgs(current).join(' ');
  return /^(yes|no|ask|confirm)$/i.test(wanted) ? now.toLowerCase() === wanted.toLowerCase() : now === wanted;
}

/** The indentation the file already uses inside blocks (two spaces when there is none to copy). */
function detectIndent(lines: Line[], all: Section[]): string {
  for (const section of all) {
    if (section.kind === 'global') continue;
    for (let i = section.header + 1; i < section.end; i++) {
      const directive = parseDirective(lines[i]!.text);
      if (directive) return directive.indent;
    }
  }
  return '  ';
}

function validate(host: string, options: SshOption[]): void {
  if (!/^[A-Za-z0-9._:[\]-]+$/.test(host)) throw new Error(`not a host name for an ssh_config Host line: ${JSON.stringify(host)}`);
  for (const { keyword, value } of options) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword) || /^(host|match|include)$/i.test(keyword)) throw new Error(`not a settable keyword: ${keyword}`);
    if (value === '' || /["\r\n]/.test(value)) throw new Error(`cannot write ${keyword} value ${JSON.stringify(value)}`);
  }
}

/** Keys set by the sections ssh reads before index `before` that may apply to the host. */
function shadowedKeys(lines: Line[], all: Section[], host: string, before: number, options: SshOption[]): UpsertResult['shadowed'] {
  const wanted = new Set(options.map((o) => o.keyword.toLowerCase()));
  const out: UpsertResult['shadowed'] = [];
  for (const section of all) {
    if (section.header >= before || !mayApply(section, host)) continue;
    for (let i = section.header + 1; i < Math.min(section.end, before); i++) {
      const directive = parseDirective(lines[i]!.text);
      if (directive && wanted.has(directive.keyword.toLowerCase())) out.push({ keyword: directive.keyword, line: i + 1 });
    }
  }
  return out;
}

/**
 * Makes sure a `Host <host>` block sets these options. An existing block for exactly that host is
 * updated in place (only these keys: an existing line keeps its indentation, keyword spelling and
 * separator; a missing key is added after the block's last setting). Otherwise a new block goes
 * right before the first Host/Match section that could apply to the host (before the comment
 * lines directly above it), or at the end. Applying it twice gives the same text as once.
 */
export function upsertHostBlock(text: string, host: string, options: SshOption[]): UpsertResult {
  validate(host, options);
  const lines = splitLines(text);
  const all = sections(lines);
  const eol = detectEol(lines);
  const indent = detectIndent(lines, all);
  const existing = all.find((s) => isExactBlock(s, host));

  if (existing) {
    const out = [...lines];
    let changed = false;
    let insertAt = existing.header + 1;
    // New lines copy the block's own indentation (the file's when the block has no setting yet).
    let blockIndent: string | null = null;
    for (let i = existing.header + 1; i < existing.end; i++) {
      const directive = parseDirective(lines[i]!.text);
      if (!directive) continue;
      insertAt = i + 1;
      blockIndent ??= directive.indent;
    }
    const added: Line[] = [];
    for (const option of options) {
      let found = false;
      for (let i = existing.header + 1; i < existing.end; i++) {
        const directive = parseDirective(lines[i]!.text);
        if (!directive || directive.keyword.toLowerCase() !== option.keyword.toLowerCase()) continue;
        found = true;
        if (!sameValue(directive.args, option.value)) {
          const separator = directive.separator === '' ? ' ' : directive.separator;
          out[i] = { text: `${directive.indent}${directive.keyword}${separator}${quote(option.value)}`, eol: lines[i]!.eol };
          changed = true;
        }
        break;
      }
      if (!found) added.push({ text: `${blockIndent ?? indent}${option.keyword} ${quote(option.value)}`, eol });
    }
    if (added.length) {
      changed = true;
      // The line before the insertion point may be the file's last line without a newline.
      const previous = out[insertAt - 1]!;
      if (previous.eol === '') {
        out[insertAt - 1] = { ...previous, eol };
        added[added.length - 1] = { ...added[added.length - 1]!, eol: '' };
      }
      out.splice(insertAt, 0, ...added);
    }
    return { text: changed ? joinLines(out) : text, changed, shadowed: shadowedKeys(lines, all, host, existing.header, options) };
  }

  const block: Line[] = [{ text: `Host ${host}`, eol }, ...options.map((o) => ({ text: `${indent}${o.keyword} ${quote(o.value)}`, eol }))];
  const target = all.find((s) => s.kind !== 'global' && mayApply(s, host));
  if (target) {
    let at = target.header;
    while (at > 0 && /^\s*#/.test(lines[at - 1]!.text)) at--;
    const out = [...lines.slice(0, at), ...block, { text: '', eol }, ...lines.slice(at)];
    return { text: joinLines(out), changed: true, shadowed: shadowedKeys(lines, all, host, at, options) };
  }
  if (lines.length === 0) return { text: joinLines(block), changed: true, shadowed: [] };
  const last = lines[lines.length - 1]!;
  const shadowed = shadowedKeys(lines, all, host, lines.length, options);
  if (last.eol !== '') {
    const separator = last.text.trim() === '' ? '' : eol;
    return { text: `${text}${separator}${joinLines(block)}`, changed: true, shadowed };
  }
  // No final newline: end the old last line, and keep the file ending without one.
  const tail = [...block.slice(0, -1), { ...block[block.length - 1]!, eol: '' }];
  const separator = last.text.trim() === '' ? '' : eol;
  return { text: `${text}${eol}${separator}${joinLines(tail)}`, changed: true, shadowed };
}

/**
 * The settings of the `Host <host>` block for exactly that host: keyword (lower case) → values as
 * ssh reads them (quotes removed), in file order. Null when there is no such block. Pure.
 */
export function readHostBlock(text: string, host: string): Map<string, string[]> | null {
  const lines = splitLines(text);
  const block = sections(lines).find((s) => isExactBlock(s, host));
  if (!block) return null;
  const settings = new Map<string, string[]>();
  for (let i = block.header + 1; i < block.end; i++) {
    const directive = parseDirective(lines[i]!.text);
    if (!directive) continue;
    const keyword = directive.keyword.toLowerCase();
    settings.set(keyword, [...(settings.get(keyword) ?? []), splitArgs(directive.args).join(' ')]);
  }
  return settings;
}

/**
 * The settings of a Bitbucket block. `useKeychain` adds Apple's UseKeychain (keep the passphrase in
 * the login keychain): only for Apple's ssh, and only in a file where ensureIgnoreUnknown made every
 * other ssh skip it.
 */
export function bitbucketHostOptions(o: { identityFile: string; hostName?: string; port?: number; useKeychain?: boolean }): SshOption[] {
  const options: SshOption[] = [];
  if (o.hostName) options.push({ keyword: 'HostName', value: o.hostName });
  options.push({ keyword: 'User', value: 'git' });
  if (o.port) options.push({ keyword: 'Port', value: String(o.port) });
  options.push({ keyword: 'IdentityFile', value: o.identityFile });
  options.push({ keyword: 'IdentitiesOnly', value: 'yes' });
  options.push({ keyword: 'AddKeysToAgent', value: 'yes' });
  if (o.useKeychain) options.push({ keyword: APPLE_ONLY_SSH_KEYWORD, value: 'yes' });
  return options;
}

/** ssh's match_pattern_list: comma-separated patterns, case-insensitive, a matching `!pattern` vetoes. */
function patternListMatches(list: string, value: string): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), value)) return false;
    } else if (pattern && patternMatches(pattern, value)) matched = true;
  }
  return matched;
}

export type IgnoreUnknownResult = { ok: true; text: string; changed: boolean } | { ok: false; reason: string };

/**
 * Makes every ssh that reads this file skip `keyword` when it does not know it (Apple's UseKeychain
 * for Homebrew's or any other OpenSSH): the first `IgnoreUnknown` ssh reads must list it, and it
 * must come before any line that uses the keyword, for every host. So it goes in the global lines
 * at the top: an existing first `IgnoreUnknown` there gets the keyword added to its list (its
 * other patterns keep working); without one, a new line goes before the first setting of the file.
 * An Include among the global lines before that point may pull in an earlier IgnoreUnknown that
 * would win: then nothing is changed and the reason says so. Every other byte stays. Pure.
 */
export function ensureIgnoreUnknown(text: string, keyword: string): IgnoreUnknownResult {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword)) throw new Error(`not a keyword: ${keyword}`);
  const lines = splitLines(text);
  const globalEnd = sections(lines)[0]!.end;
  let firstSetting = -1;
  for (let i = 0; i < lines.length; i++) {
    const directive = parseDirective(lines[i]!.text);
    if (!directive) continue;
    if (firstSetting < 0) firstSetting = i;
    if (i >= globalEnd) break;
    const name = directive.keyword.toLowerCase();
    if (name === 'include') {
      return { ok: false, reason: `line ${i + 1} includes other files before any IgnoreUnknown, and ssh uses the first IgnoreUnknown it reads` };
    }
    if (name !== IGNORE_UNKNOWN_KEYWORD.toLowerCase()) continue;
    const [list = ''] = splitArgs(directive.args);
    if (patternListMatches(list, keyword.toLowerCase())) return { ok: true, text, changed: false };
    if (list.split(',').some((p) => p.startsWith('!') && patternMatches(p.slice(1), keyword))) {
      return { ok: false, reason: `line ${i + 1} (IgnoreUnknown ${list}) excludes ${keyword} on purpose` };
    }
    const value = list ? `${list},${keyword}` : keyword;
    const quoted = directive.args.trimStart().startsWith('"') ? `"${value}"` : value;
    const out = [...lines];
    out[i] = { text: `${directive.indent}${directive.keyword}${directive.separator === '' ? ' ' : directive.separator}${quoted}`, eol: lines[i]!.eol };
    return { ok: true, text: joinLines(out), changed: true };
  }
  const eol = detectEol(lines);
  const added: Line = { text: `${IGNORE_UNKNOWN_KEYWORD} ${keyword}`, eol };
  if (firstSetting >= 0) return { ok: true, text: joinLines([...lines.slice(0, firstSetting), added, ...lines.slice(firstSetting)]), changed: true };
  // Only comments and blank lines (or nothing): the line goes at the end, where a new block will follow it.
  return { ok: true, text: appendLines(text, [added]), changed: true };
}
