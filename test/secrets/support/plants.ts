import { randomBytes } from 'node:crypto';

/**
 * The secrets the sweep plants, each distinctive (a random body with a readable tag, so a failure
 * names it), and the forms in which a leak of one would show: the value, URL-encoded, base64 (alone
 * and as Basic auth's `user:secret`), and any 12 characters of its middle (a cut or partly masked
 * value). A masked form (`ATAT…9F2C`: first and last four) is allowed, so the middle starts after
 * the first four characters and ends before the last four.
 */
export type PlantId =
  | 'store-api-token'
  | 'store-app-password'
  | 'keyring-token'
  | 'cache-password'
  | 'helper-stderr-password'
  | 'helper-stderr-token'
  | 'inline-helper-password'
  | 'url-password'
  | 'pushurl-password'
  | 'insteadof-password'
  | 'extraheader-bearer'
  | 'config-parameters-token'
  | 'askpass-secret'
  | 'env-token'
  | 'proxy-password'
  | 'profile-token'
  | 'ssh-config-password'
  | 'ssh-key-plain'
  | 'ssh-key-encrypted'
  | 'ssh-passphrase'
  | 'input-token'
  | 'account-token'
  | 'rejected-token';

/**
 * The secrets the engine reads and shows masked (ATAT…9F2C) in a diagnosis, a fix's message or a
 * helper's evidence: each sweep checks it met them, so that it is never searching text they never reached.
 */
export const SHOWN_MASKED: readonly PlantId[] = [
  'store-api-token',
  'store-app-password',
  'keyring-token',
  'cache-password',
  'helper-stderr-password',
  'helper-stderr-token',
  'inline-helper-password',
  'url-password',
  'pushurl-password',
  'insteadof-password',
  'config-parameters-token',
  'input-token',
];

export interface Plant {
  id: PlantId;
  /** Where it is planted, in a few words (the test's name). */
  where: string;
  value: string;
  /** The user name it is sent with (Basic auth), if any. */
  user?: string;
  /** Why it cannot be planted on this machine (its test is skipped with this reason), or null. */
  unavailable: string | null;
}

export interface Needle {
  /** "value", "URL-encoded", "base64 of user:secret", "middle 12" ... */
  form: string;
  text: string;
}

const alnum = (n: number) => randomBytes(n * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, n);
const hex8 = () => randomBytes(4).toString('hex').toUpperCase();

/** An Atlassian API token's shape: ATATT3xFfGF0, a body, `=`, eight hex digits. */
export const apiToken = (tag: string) => `ATATT3xFfGF0${tag}${alnum(120)}=${hex8()}`;
/** A Bitbucket app password: ATBB and 32 letters and digits. */
export const appPassword = (tag: string) => `ATBB${tag}${alnum(32 - tag.length)}`;
/** A repository/workspace access token (used with x-token-auth, e.g. by CI). */
export const accessToken = (tag: string) => `ATCTT3xFfGN0${tag}${alnum(140)}=${hex8()}`;
/** A Data Center HTTP access token (new style). */
export const dataCenterToken = (tag: string) => `BBDC-${tag}${alnum(44 - tag.length)}`;
/** A password without any recognisable shape. */
export const shapeless = (tag: string) => `${tag}-${alnum(18)}`;

/** The forms a leak of this plant would take. Private keys: each line of their body. */
export function needles(plant: Pick<Plant, 'value' | 'user'>): Needle[] {
  const { value, user } = plant;
  if (value.includes('PRIVATE KEY-----')) {
    return value
      .split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .map((line, i) => ({ form: `private key line ${i + 2}`, text: line }));
  }
  const out: Needle[] = [{ form: 'value', text: value }];
  if (encodeURIComponent(value) !== value) out.push({ form: 'URL-encoded', text: encodeURIComponent(value) });
  out.push({ form: 'base64', text: Buffer.from(value).toString('base64').replace(/=+$/, '') });
  if (user) out.push({ form: `base64 of ${user}:secret (Basic auth)`, text: Buffer.from(`${user}:${value}`).toString('base64').replace(/=+$/, '') });
  for (let at = 4; at + 12 <= value.length - 4; at += 12) out.push({ form: `characters ${at}-${at + 11}`, text: value.slice(at, at + 12) });
  return out;
}

export interface Leak {
  plant: PlantId;
  form: string;
  surface: string;
  label: string;
  /** A few characters around the match. */
  context: string;
}

/** Where each plant shows in a text, if anywhere. */
export function findLeaks(plants: readonly Plant[], surface: string, label: string, text: string): Leak[] {
  const leaks: Leak[] = [];
  for (const plant of plants) {
    for (const needle of needles(plant)) {
      const at = text.indexOf(needle.text);
      if (at === -1) continue;
      leaks.push({ plant: plant.id, form: needle.form, surface, label, context: text.slice(Math.max(0, at - 60), at + needle.text.length + 20).replace(/\s+/g, ' ') });
      break;
    }
  }
  return leaks;
}
