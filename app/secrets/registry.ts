import { redact, redactOpaque } from './redact.js';
import { Secret, revealSecret } from './secret.js';

/**
 * The secrets one engine run has seen (cached passwords, URL tokens, passphrases). Everything the
 * run outputs goes through `redact`, so a secret that slipped into a command's output or an error
 * message is masked even where no pattern would catch it.
 */
export class SecretRegistry {
  /**
   * By value: the same token read by a hundred repositories of a fleet run is one entry, so
   * redaction costs the same for one repository or many.
   */
  private readonly secrets = new Map<string, Secret>();

  add(secret: Secret): Secret {
    const value = revealSecret(secret);
    if (!this.secrets.has(value)) this.secrets.set(value, secret);
    return secret;
  }

  /** Wraps a raw value in a Secret and remembers it. */
  wrap(value: string): Secret {
    return this.add(new Secret(value));
  }

  redact(text: string): string {
    return redact(text, this.secrets.keys());
  }

  /** For what another program printed (a credential helper's stderr): also masks long opaque words (see redactOpaque). */
  redactOpaque(text: string): string {
    return redactOpaque(text, this.secrets.keys());
  }
}
