/**
 * The only way a secret is ever shown: its first and last four characters when it is long enough
 * that those eight reveal nothing useful (tokens), otherwise nothing at all (passwords).
 */
export function maskSecret(secret: string): string {
  if (secret.length >= 20) return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
  return '•••••';
}
