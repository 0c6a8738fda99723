/** A text file as lines that remember their own line end, so edits keep CRLF and a missing final newline. */
export interface Line {
  text: string;
  /** '\n', '\r\n', '\r', or '' for a last line without one. */
  eol: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /([^\r\n]*)(\r\n|\n|\r|$)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    if (match[0] === '' && match.index >= text.length) break;
    lines.push({ text: match[1]!, eol: match[2]! });
    if (match[2] === '') break;
  }
  return lines;
}

export function joinLines(lines: readonly Line[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** The file's line end (its first one), '\n' for a file without any. */
export function detectEol(lines: readonly Line[]): string {
  return lines.find((l) => l.eol !== '')?.eol ?? '\n';
}

/** Appends lines at the end, ending an unterminated last line first. */
export function appendLines(text: string, added: readonly Line[]): string {
  if (!added.length) return text;
  const lines = splitLines(text);
  const last = lines[lines.length - 1];
  const eol = detectEol(lines);
  return `${text}${last && last.eol === '' ? eol : ''}${joinLines(added)}`;
}
