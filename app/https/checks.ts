import type { EngineContext } from '../context.js';
import type { CheckStatus, Finding } from '../contract/report.js';
import { classifySecret, classifyUsername, SECRET_KIND_LABELS } from '../credentials/classify.js';
import { fillCredential, type FillResult } from '../credentials/fill.js';
import { findGcm, type Gcm } from '../credentials/gcm.js';
import { resolveHelpers, type ConfiguredHelper, type HelperResolution } from '../credentials/helpers.js';
import { defaultStoreFiles, entryMatches, readStoreFiles, type StoreEntry } from '../credentials/store-file.js';
import { credentialUrlParts } from '../credentials/urlmatch.js';
import { timedOutReason } from '../diagnose/catalogue.js';
import type { CheckOutcome, CheckReporter } from '../diagnose/reporter.js';
import { httpsProbeKey, sharedOrOwn } from '../diagnose/shared-probes.js';
import type { CheckOptions, RemoteTarget } from '../diagnose/target.js';
import { blockedHelpersFor, notRunSummary, repoGuard } from '../repo/repo-commands.js';
import { parseRemoteUrl } from '../repo/url.js';
import { buildHttpsFindings, describeOutcome, type CredentialFacts, type PlaintextEntry } from './findings.js';
import { gcmFacts, lookPastGcmCheck } from './gcm.js';
import { probeRemote, type ProbeCredential, type ProbeKind, type ProbeResult } from './probe.js';
import { readTransportSettings, transportFindings } from './transport-settings.js';

/** The credential the push sends: what the findings may say about it, and what the probes hand git. */
interface EffectiveCredential {
  facts: CredentialFacts;
  probe: ProbeCredential;
}

/**
 * The HTTPS half of the diagnosis for one remote: which helpers git asks, what they hold, and what
 * Bitbucket answers to it for reading and for pushing. The credential lookup comes first (~10 ms:
 * the probes need it); the probes then run concurrently while the local inspection goes on.
 * Checks: https.helpers, https.credential, https.read, https.write.
 */
export async function runHttpsChecks(ctx: EngineContext, target: RemoteTarget, reporter: CheckReporter, options: CheckOptions): Promise<Finding[]> {
  if (target.pushUrl.protocol !== 'https' && target.pushUrl.protocol !== 'http') return [];
  const remote = target.remote.name;
  const signal = options.signal;
  const pushUrl = target.remote.resolvedPushUrls[0] ?? target.remote.resolvedFetchUrl;
  registerUrlSecrets(ctx, target);

  const helpersP = resolveHelpers(ctx, target.repoRoot, pushUrl, signal);
  const transportP = readTransportSettings(ctx, target.repoRoot, pushUrl, remote, signal).then((settings) => transportFindings(settings, remote, displayHost(target), (t) => ctx.secrets.redact(t)));
  // A password in the URL is what git sends; the helpers are then not asked.
  const urlSecret = target.pushUrl.password;
  const blocked = urlSecret ? [] : blockedHelpersFor(await repoGuard(ctx, target.repoRoot), pushUrl, ctx.homeDir);
  if (blocked.length > 0) {
    // git would ask the repository's own helper for the credential: nothing that needs it runs.
    const why = notRunSummary(blocked);
    await reporter.check('https.helpers', remote, 'Credential helpers', async () => helpersOutcome(ctx, await helpersP, null));
    reporter.skip('https.credential', remote, 'Saved credential', why);
    reporter.skip('https.read', remote, 'Read access over HTTPS', why);
    reporter.skip('https.write', remote, 'Push access over HTTPS', why);
    return transportP;
  }
  const gcmP = helpersP.then((helpers) => findGcm(ctx, helpers));
  const firstFillP: Promise<FillResult | null> = urlSecret ? Promise.resolve(null) : fillCredential(ctx, target.repoRoot, pushUrl, signal);
  // GCM may hold a credential it throws away before every push (its own REST check fails): look once more past that check.
  const heldBackP = Promise.all([firstFillP, gcmP]).then(([fill, gcm]) => (fill && gcm ? lookPastGcmCheck(ctx, target.repoRoot, pushUrl, fill, gcm, signal) : null));
  const fillP = Promise.all([firstFillP, heldBackP]).then(([fill, held]) => held ?? fill);
  // GCM's version and settings, alongside the probes.
  const gcmFactsP = Promise.all([gcmP, helpersP, firstFillP, heldBackP]).then(([gcm, helpers, first, held]) => (gcm ? gcmFacts(ctx, gcm, helpers, pushUrl, first, held) : null));
  // The probes wait for nothing but the credential.
  const credentialP = fillP.then((fill) => effectiveCredential(target, fill));
  const probesP = options.offline
    ? null
    : credentialP.then((c) => {
        const credential = c?.probe ?? null;
        // In a fleet run, repositories sending the same request with the same credential share one probe.
        const { sharedProbes } = options;
        const via = sharedProbes && ((kind: ProbeKind, probe: () => Promise<ProbeResult>) => sharedOrOwn(sharedProbes, (shared) => httpsProbeKey(ctx, shared, target, credential, kind), probe, signal));
        return probeRemote(ctx, target, credential, { signal, via });
      });
  const plaintextP = helpersP.then((helpers) => plaintextEntries(ctx, helpers, pushUrl));

  const probeCheck = (id: 'https.read' | 'https.write', title: string, pick: (p: { read: ProbeResult; write: ProbeResult }) => ProbeResult) => {
    if (!probesP) {
      reporter.skip(id, remote, title, 'offline: not contacted');
      return Promise.resolve();
    }
    return reporter.check(id, remote, title, async () => probeOutcome(pick(await probesP)));
  };

  await Promise.all([
    reporter.check('https.helpers', remote, 'Credential helpers', async () => helpersOutcome(ctx, await helpersP, await gcmP)),
    reporter.check('https.credential', remote, 'Saved credential', async () => credentialOutcome(ctx, target, await fillP, answeredBy(await credentialP, await fillP, await helpersP), (await heldBackP) !== null)),
    probeCheck('https.read', 'Read access over HTTPS', (p) => p.read),
    probeCheck('https.write', 'Push access over HTTPS', (p) => p.write),
  ]);

  const [helpers, fill, found, plaintext, probes, gcm, firstFill, heldBack, transport] = await Promise.all([helpersP, fillP, credentialP, plaintextP, probesP, gcmFactsP, firstFillP, heldBackP, transportP]);
  const credential = answeredBy(found, fill, helpers);
  // A refused API token, with a linked account: the REST API tells a dead token from a wrong username.
  const refused = probes && [probes.read, probes.write].some((p) => p.outcome.kind === 'auth-rejected');
  const tokenCheck =
    refused && options.account && target.bitbucket.kind === 'cloud' && credential?.facts.secretKind.kind === 'api-token' ? await options.account.checkToken(credential.probe.secret) : null;
  const findings = buildHttpsFindings({
    remote,
    host: displayHost(target),
    cloud: target.bitbucket.kind === 'cloud',
    usernameInUrl: !!target.pushUrl.username,
    helpers,
    credential: credential?.facts ?? null,
    credentialEvidence: [...(heldBack ? (firstFill?.evidence ?? []) : []), ...credentialEvidence(ctx, target, fill, credential)],
    lookupFailed: lookupFailure(ctx, fill, helpers),
    plaintext,
    gcm,
    read: probes?.read ?? null,
    write: probes?.write ?? null,
    now: ctx.now(),
    redact: (text) => ctx.secrets.redact(text),
    tokenCheck: tokenCheck && { ...tokenCheck, evidence: ctx.secrets.redact(tokenCheck.evidence) },
  });
  return [...findings, ...transport];
}

/**
 * Why a helper gave git nothing it could use: it did not finish in time (git was waiting for the
 * last helper its trace shows started), or it printed a line that is not a credential.
 */
function lookupFailure(ctx: EngineContext, fill: FillResult | null, helpers: HelperResolution): { helper: ConfiguredHelper | null; reason: string } | null {
  if (!fill || fill.credential) return null;
  if (fill.status === 'timed-out') return { helper: helpers.helpers[Math.max(0, fill.helpersRun - 1)] ?? null, reason: timedOutReason(ctx.timeoutMs) };
  if (fill.garbled) return { helper: helpers.helpers[fill.garbled.helper] ?? null, reason: `it printed "${fill.garbled.line}", which is not a credential line` };
  return null;
}

/** Passwords written in any of the remote's URLs are secrets of this run. */
function registerUrlSecrets(ctx: EngineContext, target: RemoteTarget): void {
  for (const raw of [target.remote.url, ...target.remote.pushUrls, target.remote.resolvedFetchUrl, ...target.remote.resolvedPushUrls]) {
    const parsed = parseRemoteUrl(raw, ctx.platform);
    if (parsed.ok && parsed.url.password) ctx.secrets.add(parsed.url.password);
  }
  if (target.pushUrl.password) ctx.secrets.add(target.pushUrl.password);
}

function effectiveCredential(target: RemoteTarget, fill: FillResult | null): EffectiveCredential | null {
  const urlSecret = target.pushUrl.password;
  if (urlSecret) {
    const username = target.pushUrl.username;
    return {
      probe: { username, secret: urlSecret },
      facts: { source: 'url', username, usernameKind: classifyUsername(username), secretKind: classifySecret(urlSecret), masked: urlSecret.masked, answeredBy: null },
    };
  }
  const cached = fill?.credential;
  if (!cached) return null;
  return {
    probe: { username: cached.username, secret: cached.secret },
    facts: { source: 'helper', username: cached.username, usernameKind: cached.usernameKind, secretKind: cached.secretKind, masked: cached.secret.masked, answeredBy: null },
  };
}

/** Names the helper that answered: git stops at the first that gives a username and a password. */
function answeredBy(credential: EffectiveCredential | null, fill: FillResult | null, helpers: HelperResolution): EffectiveCredential | null {
  if (!credential || credential.facts.source !== 'helper' || !fill || fill.helpersRun === 0) return credential;
  return { ...credential, facts: { ...credential.facts, answeredBy: helpers.helpers[fill.helpersRun - 1] ?? null } };
}

function credentialEvidence(ctx: EngineContext, target: RemoteTarget, fill: FillResult | null, credential: EffectiveCredential | null): string[] {
  const lines: string[] = [];
  if (fill) lines.push(...fill.evidence);
  if (!credential) {
    lines.push(fill?.status === 'timed-out' ? 'git credential fill: no answer' : `git credential fill: no saved credential for ${target.pushUrl.host ?? 'this host'}${fill?.username ? ` (username ${fill.username})` : ''}`);
    return lines.map((l) => ctx.secrets.redact(l));
  }
  const f = credential.facts;
  const where = f.source === 'url' ? 'written in the remote URL' : `from ${f.answeredBy ? `the ${f.answeredBy.kind} helper (${f.answeredBy.origin.key})` : 'a credential helper'}`;
  lines.push(`username: ${f.username ?? '(none)'}${f.username ? ` (${usernameLabel(f.usernameKind)})` : ''}`);
  lines.push(`secret: ${SECRET_KIND_LABELS[f.secretKind.kind]} ${f.masked}, ${where}; it ${f.secretKind.because}`);
  return lines.map((l) => ctx.secrets.redact(l));
}

function usernameLabel(kind: CredentialFacts['usernameKind']): string {
  return {
    none: 'none',
    email: 'an email address',
    'api-token-static': 'the fixed username for API tokens',
    'access-token-static': 'the fixed username for access tokens',
    token: 'a token pasted as the username',
    username: 'a username',
  }[kind];
}

/** Entries for this host in the plain-text files of the configured store helpers. */
async function plaintextEntries(ctx: EngineContext, helpers: HelperResolution, pushUrl: string): Promise<PlaintextEntry[]> {
  const stores = helpers.helpers.filter((h) => h.kind === 'store');
  if (stores.length === 0) return [];
  const files = [...new Set(stores.flatMap((h) => (h.storeFile ? [h.storeFile] : defaultStoreFiles(ctx))))];
  const url = credentialUrlParts(pushUrl);
  if (!url.protocol || !url.host) return [];
  const query = { protocol: url.protocol, host: url.host };
  const entries: StoreEntry[] = (await readStoreFiles(files)).flatMap((f) => f.entries).filter((e) => entryMatches(e, query));
  return entries.map((e) => {
    if (e.password) ctx.secrets.add(e.password);
    const user = e.username ? `${encodeURIComponent(e.username)}:` : '';
    return { file: e.file, line: e.line, display: `${e.protocol}://${user}${e.password?.masked ?? ''}@${e.host}${e.path ? `/${e.path}` : ''}` };
  });
}

function displayHost(target: RemoteTarget): string {
  const configured = parseRemoteUrl(target.remote.url);
  return (configured.ok && configured.url.host) || target.pushUrl.host || 'Bitbucket';
}

function helpersOutcome(ctx: EngineContext, helpers: HelperResolution, gcm: Gcm | null): CheckOutcome {
  if (helpers.helpers.length === 0) return { status: 'warning', summary: 'no credential helper is configured for this URL' };
  const missing = helpers.helpers.filter((h) => h.runnable === 'no');
  // A Windows-side GCM started from WSL is named as such: it keeps credentials in Windows, shared with Git for Windows.
  const name = (h: ConfiguredHelper) => (h === gcm?.helper && gcm.windowsSide ? 'Git Credential Manager for Windows, from WSL' : h.kind === 'other' ? (h.program ?? 'custom') : h.kind);
  const list = helpers.helpers.map((h) => `${name(h)} (${h.origin.scope})`).join(', ');
  if (missing.length > 0) {
    return { status: 'error', summary: ctx.secrets.redact(`cannot run ${missing.map((h) => h.program).join(', ')}; helpers: ${list}`) };
  }
  return { status: 'ok', summary: ctx.secrets.redact(`git asks ${list}`) };
}

function credentialOutcome(ctx: EngineContext, target: RemoteTarget, fill: FillResult | null, credential: EffectiveCredential | null, heldBack: boolean): CheckOutcome {
  if (!credential) {
    if (fill?.status === 'timed-out') return { status: 'error', summary: 'the credential helpers did not answer in time' };
    return { status: 'warning', summary: `no saved credential for ${target.pushUrl.host ?? 'this host'}` };
  }
  const f = credential.facts;
  const cloud = target.bitbucket.kind === 'cloud';
  // What the shape alone says (the probes confirm or overrule it in the findings).
  let status: CheckStatus = 'ok';
  if (cloud && (f.secretKind.kind === 'app-password' || f.secretKind.kind === 'account-password')) status = 'error';
  else if (cloud && (f.usernameKind === 'email' || (f.secretKind.kind === 'access-token' && f.usernameKind !== 'access-token-static'))) status = 'warning';
  const from = f.source === 'url' ? 'in the remote URL' : f.answeredBy ? `from ${f.answeredBy.kind}` : 'from a helper';
  if (heldBack) return { status: 'error', summary: ctx.secrets.redact(`Git Credential Manager holds ${f.username ?? '(no username)'} with ${SECRET_KIND_LABELS[f.secretKind.kind]} ${f.masked} but does not hand it to git: its own check of it fails`) };
  return { status, summary: ctx.secrets.redact(`${f.username ?? '(no username)'} with ${SECRET_KIND_LABELS[f.secretKind.kind]} ${f.masked} ${from}`) };
}

function probeOutcome(probe: ProbeResult): CheckOutcome {
  const o = probe.outcome;
  const status: CheckStatus = o.kind === 'ok' ? 'ok' : 'error';
  const what = probe.kind === 'read' ? 'reading' : 'pushing';
  if (o.kind === 'ok') return { status, summary: `the server accepted the credential for ${what}` };
  return { status, summary: `${what}: ${describeOutcome(o)}${o.status ? ` (HTTP ${o.status})` : ''}` };
}

