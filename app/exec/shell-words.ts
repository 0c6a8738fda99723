/**
 * Splits a command line into words with sh's quoting rules, as git's split_cmdline does: single
 * quotes, double quotes (with backslash escapes inside) and backslash escapes outside quotes.
 * `unclosed` is true when a quote is never closed (git then refuses the line). Pure.
 */
export function splitShellWords(command: string): { words: string[]; unclosed: boolean } {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return { words, unclosed: quote !== null };
}

/** The words of a command line (see splitShellWords), an unclosed quote tolerated. */
export function shellWords(command: string): string[] {
  return splitShellWords(command).words;
}

/**
 * The words sh would make of a command line that uses no expansion, redirection, operator, glob or
 * comment: null when the line needs a real shell (see GIT_SHELL_METACHARACTERS), an assignment
 * leads it, or a quote is unclosed. Unlike git's split_cmdline, a backslash inside double quotes
 * stays unless it escapes `"` or `\` (sh's rule), so "C:\Program Files\x.exe" keeps its backslashes.
 * Pure.
 */
export function plainShellWords(command: string): string[] | null {
  // Expansion, redirection, operators, globs, comments, tilde, newline: only a shell can run these.
  if (/[|&;<>()$`*?[#~\n]/.test(command)) return null;
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (command[i + 1] === '"' || command[i + 1] === '\\')) current += command[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < command.length) current += command[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== null) return null;
  if (inWord) words.push(current);
  // "A=b cmd": sh treats leading words with "=" before any quote as assignments.
  if (words.length === 0 || /^[A-Za-z_][A-Za-z0-9_]*=/.test(command.trimStart())) return null;
  return words;
}
