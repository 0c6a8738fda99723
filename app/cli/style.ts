/** Terminal styling: colour only on a terminal and never when NO_COLOR is set (https://no-color.org). */
export interface Style {
  ok(text: string): string;
  warn(text: string): string;
  error(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function createStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Style {
  const enabled = Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { ok: wrap(32, 39), warn: wrap(33, 39), error: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
