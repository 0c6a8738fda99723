import type { SecretRegistry } from '../secrets/registry.js';

/** Where a command reads and writes; the real process in production, captured streams in tests. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Writes text after a last redaction pass with the run's secrets. */
export function writer(stream: NodeJS.WriteStream, secrets: SecretRegistry): (text: string) => void {
  return (text) => {
    stream.write(secrets.redact(text));
  };
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
