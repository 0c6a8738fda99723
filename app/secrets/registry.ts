import { redact } from './redact.js';
import { Secret, revealSecret } from './secret.js';

/**
 * The secrets one engine run has seen (cached passwords, URL tokens, passphrases). Everything the
 * run outputs goes through `redact`, so a secret that slipped into a command's output or an error
 * message is masked even where no pattern would catch it.
 */
export class SecretRegistry {
  private readonly secrets = new Set<Secret>();

  add(secret: Secret): Secret {
    this.secrets.add(secret);
    return secret;
  }

  /** Wraps a raw value in a Secret and remembers it. */
  wrap(value: string): Secret {
    return this.add(new Secret(value));
  }

  redact(text: string): string {
    return redact(text, [...this.secrets].map(revealSecret));
  }
}
