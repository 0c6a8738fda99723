/**
 * Text edits of git config files for the one case `git config` cannot do without putting a secret
 * on its command line: renaming a `[url "<base>"]` section whose base holds a password. Only the
 * section header changes; every other byte stays. Pure.
 */

/** git's quoting of a subsection name: backslash and double quote are escaped. */
function quoteSubsection(name: string): string {
  return name.replace(/["\\]/g, (c) => `\\${c}`);
}

function unquoteSubsection(quoted: string): string {
  return quoted.replace(/\\(.)/g, '$1');
}

const HEADER = /^([ \t]*\[[ \t]*)url([ \t]+)"((?:[^"\\\n]|\\.)*)"([ \t]*\])/i;

/** The text with every `[url "oldBase"]` header renamed to `newBase`, or null when there is none. */
export function renameUrlSection(text: string, oldBase: string, newBase: string): string | null {
  let found = false;
  const lines = text.split('\n').map((line) => {
    const match = HEADER.exec(line);
    if (!match || unquoteSubsection(match[3]!) !== oldBase) return line;
    found = true;
    return `${match[1]}url${match[2]}"${quoteSubsection(newBase)}"${match[4]}${line.slice(match[0].length)}`;
  });
  return found ? lines.join('\n') : null;
}
