import { inspect } from 'node:util';
import { maskSecret } from './mask.js';

const values = new WeakMap<Secret, string>();

/**
 * A secret value that cannot leak by accident: printing, logging, JSON-serialising or
 * interpolating it yields the masked form. The raw value is only reachable through `revealSecret`,
 * which is called where a secret is handed to git through a pipe.
 */
export class Secret {
  readonly masked: string;
  readonly length: number;

  constructor(value: string) {
    values.set(this, value);
    this.masked = maskSecret(value);
    this.length = value.length;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `Secret(${this.masked})`;
  }
}

/** The raw value. Call only to hand it to another process through a pipe, never to display it. */
export function revealSecret(secret: Secret): string {
  const value = values.get(secret);
  if (value === undefined) throw new Error('not a Secret');
  return value;
}
