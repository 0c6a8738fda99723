/**
 * Runtime validators for every request channel of the contract (./channels.ts). Payloads from the
 * renderer, the browser preview or anywhere else are untrusted until they pass these: strict objects
 * (unknown keys are refused), bounded strings, absolute paths where paths are expected, closed enums.
 * No Node imports: this file is shared like the rest of the contract.
 */
import { z } from 'zod';
import type { RequestChannel, RequestOf, Settings } from './channels.js';
import { normalizeBitbucketHost } from './hosts.js';
import { FIX_IDS } from './report.js';

export const MAX_PATH_LENGTH = 4096;
export const MAX_URL_LENGTH = 2048;

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** "/home/me/repo", "C:\\Users\\me\\repo", "\\\\server\\share\\repo": absolute on some platform. */
export function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || /^\\\\[^\\]/.test(value);
}

const absolutePath = z
  .string()
  .min(1)
  .max(MAX_PATH_LENGTH)
  .refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'The path contains control characters.' })
  .refine(isAbsolutePath, { error: 'The path must be absolute.' });

/** Remote names as git accepts them in refs/remotes/NAME (no spaces, no ref-format specials, no leading dash). */
const remoteName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(?!-)[^\s~^:?*[\\]+$/, { error: 'Not a valid remote name.' })
  .refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'Not a valid remote name.' });

const runId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'runId must be 1 to 64 letters, digits, "-" or "_".' });

const fixId = z.enum(FIX_IDS);

/** A Data Center server as --bitbucket-host names it: "host" or "host:port". */
const site = z
  .string()
  .max(260)
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { error: 'The server must be a host name or host:port.' });

const token = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^\S+$/, { error: 'The token must be one word without spaces.' });

const oneLine = (what: string, max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL_CHARACTERS.test(value), { error: `The ${what} contains control characters.` });

const accountLinkInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cloud'), email: oneLine('email', 320), token }),
  z.strictObject({ kind: z.literal('datacenter'), server: oneLine('server', MAX_URL_LENGTH), username: oneLine('username', 256), token }),
]);

const publicKeyPath = absolutePath.refine((value) => value.endsWith('.pub'), { error: 'Only a public key file (.pub) can be added.' });

const empty = z.strictObject({});

const fixInput = z.strictObject({
  username: z
    .string()
    .min(1)
    .max(256)
    .refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'The username contains control characters.' })
    .optional(),
  token: z.string().min(1).max(4096).optional(),
  passphrase: z.string().max(1024).optional(),
});

/** An OpenSSH SHA256 fingerprint as `ssh-keygen -l` prints it: "SHA256:" and 43 base64 characters. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

const clipboardContent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('report'), path: absolutePath }),
  z.strictObject({
    kind: z.literal('public-key'),
    publicKeyPath: absolutePath.refine((value) => value.endsWith('.pub'), { error: 'Only a public key file (.pub) can be copied.' }),
  }),
  z.strictObject({ kind: z.literal('fingerprint'), fingerprint: z.string().regex(FINGERPRINT_PATTERN, { error: 'Not an SSH key fingerprint (SHA256:…).' }) }),
]);

const externalTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('api-token') }),
  z.strictObject({ kind: z.literal('access-tokens'), server: oneLine('server', MAX_URL_LENGTH) }),
  z.strictObject({ kind: z.literal('ssh-keys') }),
  z.strictObject({ kind: z.literal('repository'), path: absolutePath, remote: remoteName.optional() }),
  // The allow-list (https, Bitbucket and Atlassian hosts) is enforced where the URL is opened.
  z.strictObject({ kind: z.literal('url'), url: z.string().min(1).max(MAX_URL_LENGTH) }),
]);

const bitbucketHost = z
  .string()
  .max(260)
  .refine((value) => normalizeBitbucketHost(value) === value, { error: 'Not a host name or host:port.' });

export const MAX_BITBUCKET_HOSTS = 20;

export const SETTINGS_LIMITS = {
  retestIntervalMinutes: { min: 5, max: 24 * 60 },
  probeTimeoutSeconds: { min: 5, max: 120 },
} as const;

const settingsShape = {
  // 0 turns periodic re-tests off; otherwise at least every few minutes, so Bitbucket is not hammered.
  retestIntervalMinutes: z
    .int()
    .min(0)
    .max(SETTINGS_LIMITS.retestIntervalMinutes.max)
    .refine((value) => value === 0 || value >= SETTINGS_LIMITS.retestIntervalMinutes.min, {
      error: `Re-test every ${SETTINGS_LIMITS.retestIntervalMinutes.min} minutes or more, or 0 for never.`,
    }),
  notifyOnChange: z.boolean(),
  probeTimeoutSeconds: z.int().min(SETTINGS_LIMITS.probeTimeoutSeconds.min).max(SETTINGS_LIMITS.probeTimeoutSeconds.max),
  bitbucketHosts: z.array(bitbucketHost).max(MAX_BITBUCKET_HOSTS),
};

/** Settings as stored: a file written before a setting existed gets its default. */
export const settingsSchema: z.ZodType<Settings> = z.strictObject({ ...settingsShape, bitbucketHosts: settingsShape.bitbucketHosts.default([]) });

export const DEFAULT_SETTINGS: Settings = {
  retestIntervalMinutes: 0,
  notifyOnChange: true,
  probeTimeoutSeconds: 15,
  bitbucketHosts: [],
};

/** One validator per request channel; the mapped type makes a missing or mistyped channel a compile error. */
export const REQUEST_SCHEMAS: { [C in RequestChannel]: z.ZodType<RequestOf<C>> } = {
  'repo.open': z.strictObject({ path: absolutePath }),
  'repo.drop': z.strictObject({ paths: z.array(absolutePath.nullable()).max(1000) }),
  'repo.choose': empty,
  'diagnose.run': z.strictObject({ path: absolutePath, remote: remoteName.optional(), offline: z.boolean().optional(), runId }),
  'diagnose.cancel': z.strictObject({ runId }),
  'fix.describe': z.strictObject({ path: absolutePath, fixId, remote: remoteName.optional() }),
  'fix.apply': z.strictObject({ path: absolutePath, fixId, remote: remoteName.optional(), input: fixInput.optional() }),
  'fix.undo': empty,
  'fix.history': empty,
  'ssh.verify': z.strictObject({ path: absolutePath, remote: remoteName.optional() }),
  'clipboard.write': clipboardContent,
  'external.open': externalTarget,
  'recent.list': empty,
  'recent.remove': z.strictObject({ path: absolutePath }),
  'recent.clear': empty,
  'trust.list': empty,
  'trust.grant': z.strictObject({ path: absolutePath, commandIds: z.array(z.string().regex(/^[0-9a-f]{16}$/, { error: 'Not a command id.' })).min(1).max(200) }),
  'trust.revoke': z.strictObject({ path: absolutePath }),
  'settings.get': empty,
  'settings.set': z.strictObject(settingsShape).partial(),
  'retest.run': empty,
  'account.status': z.strictObject({ site: site.optional(), path: absolutePath.optional(), remote: remoteName.optional() }),
  'account.link': accountLinkInput,
  'account.unlink': z.strictObject({ site: site.optional() }),
  'keys.list': z.strictObject({ path: absolutePath.optional(), remote: remoteName.optional(), site: site.optional() }),
  'keys.add': z.strictObject({ path: absolutePath.optional(), remote: remoteName.optional(), site: site.optional(), publicKeyPath: publicKeyPath.optional(), label: oneLine('label', 200).optional() }),
};

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Validates a payload for a channel; the message names the first problem (never echoes the payload). */
export function validateRequest<C extends RequestChannel>(channel: C, payload: unknown): ValidationResult<RequestOf<C>> {
  // Own channels only: "toString" or "__proto__" would find Object.prototype's members.
  const schema = Object.hasOwn(REQUEST_SCHEMAS, channel) ? (REQUEST_SCHEMAS[channel] as z.ZodType<RequestOf<C>>) : undefined;
  if (!schema) return { ok: false, message: `Unknown request ${JSON.stringify(String(channel)).slice(0, 80)}.` };
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = `Invalid ${channel} request: ${where}${issue?.message ?? 'malformed payload'}`;
  return { ok: false, message: message.length > 200 ? `${message.slice(0, 199)}…` : message };
}
