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
