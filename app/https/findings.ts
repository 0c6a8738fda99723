import type { Finding, FixId, Severity } from '../contract/report.js';
import { GCM_FACTS } from '../facts/bitbucket.js';
import { SECRET_KIND_LABELS, type SecretClassification, type UsernameKind } from '../credentials/classify.js';
import type { ConfiguredHelper, ConfigOrigin, HelperResolution } from '../credentials/helpers.js';
import { finding, type FindingParams } from '../diagnose/catalogue.js';
import type { HttpsOutcome } from './classify.js';
import { describeGcm, type GcmFacts } from './gcm.js';
import type { ProbeResult } from './probe.js';

/**
 * Turns what the HTTPS checks saw into findings. One cause gets one clear finding: a 410 from an
 * app password is "app password", not also "rejected" and "no access". Pure.
 */

/** The credential a push sends, described without its value. */
export interface CredentialFacts {
  /** 'url': the password written in the remote URL; 'helper': what the helpers handed git. */
  source: 'url' | 'helper';
  username: string | null;
  usernameKind: UsernameKind;
  secretKind: SecretClassification;
  /** Masked secret, e.g. "ATAT…9F2C". */
  masked: string;
  /** The helper that answered, when git's trace told. */
  answeredBy: ConfiguredHelper | null;
}

export interface PlaintextEntry {
  file: string;
  line: number;
  /** The line with its password masked. */
  display: string;
}

export interface HttpsFacts {
  remote: string;
  /** Host to name in the words ("bitbucket.org"). */
  host: string;
  cloud: boolean;
  /** The remote URL itself carries the username (the remote checks report problems with it). */
  usernameInUrl: boolean;
  helpers: HelperResolution;
  credential: CredentialFacts | null;
  /** Redacted lines of the credential lookup. */
  credentialEvidence: string[];
  /** A helper gave git nothing usable (it hung, or printed something that is not a credential): which, and why. */
  lookupFailed: { helper: ConfiguredHelper | null; reason: string } | null;
  plaintext: PlaintextEntry[];
  /** Git Credential Manager, when git asks it for this URL. */
  gcm: GcmFacts | null;
  read: ProbeResult | null;
  write: ProbeResult | null;
  now: Date;
  /** ctx.secrets.redact: helper values are config text and may hold anything. */
  redact: (text: string) => string;
  /** With a linked account: what Bitbucket's REST API says about the same token (see TokenCheck). */
  tokenCheck?: TokenCheck | null;
}

/**
 * The saved API token asked to Bitbucket's REST API (GET /user) with the linked account's email:
 * the API tells a dead token (401) apart from a good token sent with the wrong git username.
 */
export interface TokenCheck {
  /** The email it was asked with. */
  email: string;
  outcome: 'accepted' | 'refused' | 'missing-scopes' | 'unreachable';
  /** The token owner's Bitbucket username (accepted). */
  username: string | null;
  /** Bitbucket's own words, or the network reason. */
  message: string | null;
  /** One line for the evidence: the request and its answer (no secret). */
  evidence: string;
  /** The git token is the linked token itself (so it surely belongs to that email's account). */
  sameAsLinked: boolean;
}

export function helperEvidence(helper: ConfiguredHelper, redact: (text: string) => string): string {
  return redact(`${helper.origin.key} = ${helper.value} (${originLabel(helper.origin)})`);
}

/** How a helper is named to the user: its kind ("store", "manager"), or its program (a shell snippet's start) for others. */
function helperName(helper: ConfiguredHelper): string {
  const name = helper.kind === 'other' ? (helper.program ?? helper.value) : helper.kind;
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

export function originLabel(origin: ConfigOrigin): string {
  return origin.file ? `${origin.scope} config ${origin.file}` : `${origin.scope} config`;
}

function probeEvidence(probe: ProbeResult): string[] {
  const status = probe.outcome.status ? ` (HTTP ${probe.outcome.status})` : '';
  return [`$ ${probe.command}`, ...probe.evidence, `→ ${describeOutcome(probe.outcome)}${status}`];
}

/** One line for a probe's outcome, for evidence and check summaries. */
export function describeOutcome(outcome: HttpsOutcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'accepted';
    case 'auth-rejected':
      return 'the server rejected the credential';
    case 'app-password-removed':
      return 'the server refuses app passwords';
    case 'missing-scope':
      return 'the token lacks a required scope';
    case 'forbidden':
      return `access refused${outcome.reason ? `: ${outcome.reason}` : ''}`;
    case 'not-found':
      return 'repository not found, or no access to it';
    case 'unreachable':
      return `server not reachable: ${outcome.reason ?? 'no answer'}`;
    case 'no-credential':
      return 'the server asked for a credential and none was saved';
    default:
      return `unexpected answer${outcome.reason ? `: ${outcome.reason}` : ''}`;
  }
}

function withSeverity(f: Finding, severity: Severity): Finding {
  return { ...f, severity };
}

const FORBIDDEN_REASONS: Record<string, string> = {
  'ip-not-allowed': 'the workspace only allows listed IP addresses',
  'two-step-required': 'the workspace requires two-step verification',
};

/** [OFFICIAL KB] Data Center's bare 403: basic authentication disabled, or no permission on the repository. */
const DATA_CENTER_FORBIDDEN = 'basic authentication may be switched off on the server ("Allow basic authentication on API calls"), or this account has no access to the repository';

function forbiddenReason(facts: HttpsFacts, outcome: HttpsOutcome): string | undefined {
  return FORBIDDEN_REASONS[outcome.hint ?? ''] ?? outcome.reason ?? (facts.cloud ? undefined : DATA_CENTER_FORBIDDEN);
}

export function buildHttpsFindings(facts: HttpsFacts): Finding[] {
  const { remote, helpers, credential, read, write } = facts;
  const probes = [read, write].filter((p): p is ProbeResult => p !== null);
  const params: FindingParams = { host: facts.host, username: credential?.username ?? undefined, masked: credential?.masked, now: facts.now };
  const credentialLines = facts.credentialEvidence;
  const allProbeLines = probes.flatMap(probeEvidence);
  const probed = (kind: HttpsOutcome['kind']) => probes.find((p) => p.outcome.kind === kind) ?? null;
  const credentialWorks = probes.some((p) => p.outcome.kind === 'ok');
  const pushWorks = write?.outcome.kind === 'ok';
  const findings: Finding[] = [];

  // ── Helpers ──
  if (helpers.helpers.length === 0 && credential?.source !== 'url') {
    const resets = helpers.resets.map((origin) => `${origin.key} = (empty: clears the helpers before it) (${originLabel(origin)})`);
    findings.push(finding('https.no-helper', { remote, evidence: resets.length ? resets : ['git config credential.helper: not set'], params }));
  }
  for (const helper of helpers.helpers.filter((h) => h.runnable === 'no')) {
    const f = finding('https.helper-missing', {
      remote,
      evidence: [helperEvidence(helper, facts.redact), `${helper.program}: not found${helper.value.startsWith('!') ? ' in PATH' : ''}`],
      params: { ...params, helper: helper.program ?? undefined, file: helper.origin.file ?? undefined },
    });
    findings.push(pushWorks ? withSeverity(f, 'warning') : f);
  }

  // ── No credential ──
  if (!credential && facts.lookupFailed) {
    // Not "nothing saved": a helper broke, so what it holds is unknown.
    const broken = facts.lookupFailed.helper;
    findings.push(
      finding('https.helper-failed', {
        remote,
        evidence: [...(broken ? [helperEvidence(broken, facts.redact)] : []), ...credentialLines],
        params: { ...params, helper: broken ? helperName(broken) : undefined, reason: facts.lookupFailed.reason },
      }),
    );
  } else if (!credential) {
    const noCredential = probed('no-credential');
    const f = finding('https.no-cached-credential', { remote, evidence: [...credentialLines, ...(noCredential ? probeEvidence(noCredential) : [])], params });
    // Without a prompt (apps, scripts) a push with nothing saved fails: an error once the server asked.
    findings.push(noCredential ? withSeverity(f, 'error') : f);
  }

  // ── The cause: what the credential is, confirmed or contradicted by the server ──
  const cause = credentialCause(facts, credentialWorks);
  // A secret written in the URL is not in any helper: the way out starts with taking it out of the URL.
  const fixes: FixId[] | undefined = credential?.source === 'url' ? ['remote.remove-secret', 'credential.save-token', 'open.api-token-page'] : undefined;
  if (cause) {
    findings.push(finding(cause, { remote, evidence: [...credentialLines, ...allProbeLines], params, fixes }));
  } else {
    findings.push(...probeFindings(facts, params, fixes));
  }
  const unreachable = probed('unreachable');
  if (unreachable) findings.push(finding('https.unreachable', { remote, evidence: probeEvidence(unreachable), params: { ...params, reason: unreachable.outcome.reason ?? undefined } }));

  // ── How the credential is kept ──
  findings.push(...gcmFindings(facts, params, credentialWorks));
  if (facts.plaintext.length > 0) {
    findings.push(
      finding('https.plaintext-store', {
        remote,
        evidence: facts.plaintext.map((e) => `${e.file}:${e.line}: ${e.display}`),
        params: { ...params, file: facts.plaintext[0]!.file },
      }),
    );
  }

  // GCM throws the working credential away before every push: pushing does not work as configured.
  if (pushWorks && !facts.gcm?.heldBack) findings.push(finding('https.ok', { remote, evidence: probeEvidence(write!), params }));
  return findings;
}

/**
 * Git Credential Manager's known Bitbucket failures: it cannot write Bitbucket's long OAuth tokens
 * to Windows' Credential Manager (0x6f7, GCM issue 2428), and it throws away saved API tokens after
 * its own REST check fails (GCM issue 1991). Proven from what GCM printed and, for the second, from
 * the credential it handed out once the check was off; suspected (a warning) when a saved API
 * token meets GCM with the check on.
 */
function gcmFindings(facts: HttpsFacts, params: FindingParams, credentialWorks: boolean): Finding[] {
  const { gcm, credential, remote } = facts;
  if (!gcm) return [];
  const out: Finding[] = [];
  const about = [helperEvidence(gcm.helper, facts.redact), describeGcm(gcm)];
  if (gcm.storeLimit.length) {
    out.push(finding('https.gcm-store-limit', { remote, evidence: [...about, `credential store: ${gcm.credentialStore ?? 'not set (Windows Credential Manager)'}`, ...gcm.storeLimit], params }));
  }
  const apiToken = credential?.secretKind.kind === 'api-token';
  if (gcm.heldBack && (apiToken || credentialWorks)) {
    const held = `with ${GCM_FACTS.validateStoredCredentials} off for one look, it hands out: ${credential?.username ?? '(no username)'} / ${SECRET_KIND_LABELS[credential!.secretKind.kind]} ${credential!.masked}`;
    out.push(finding('https.gcm-revalidation', { remote, evidence: [...about, ...gcm.heldBack.map(facts.redact), held], params }));
  } else if (facts.cloud && apiToken && gcm.validates && !gcm.heldBack) {
    const f = finding('https.gcm-revalidation', { remote, evidence: [...about, `credential.${GCM_FACTS.validateStoredCredentials}: not set to false`, `saved secret: ${SECRET_KIND_LABELS['api-token']} ${credential!.masked}`], params });
    out.push(withSeverity(f, 'warning'));
  }
  return out;
}

type CauseCode = 'https.app-password' | 'https.account-password' | 'https.cached-username-is-email' | 'https.access-token-username';

/**
 * The one finding that explains a failing credential, from its shape and the server's answer. A
 * shape alone never wins over a server that accepted the credential.
 */
function credentialCause(facts: HttpsFacts, credentialWorks: boolean): CauseCode | null {
  const { credential, cloud } = facts;
  const outcomes = [facts.read, facts.write].filter((p): p is ProbeResult => p !== null).map((p) => p.outcome);
  // What the server says about the credential comes first.
  if (outcomes.some((o) => o.kind === 'app-password-removed')) return 'https.app-password';
  if (cloud && outcomes.some((o) => o.hint === 'account-password')) return 'https.account-password';
  if (!cloud || !credential || credentialWorks) return null;
  const kind = credential.secretKind.kind;
  if (kind === 'app-password') return 'https.app-password';
  if (kind === 'account-password') return 'https.account-password';
  // A username written in the URL is the remote checks' finding (remote.username-is-email).
  if (credential.usernameKind === 'email' && !facts.usernameInUrl) return 'https.cached-username-is-email';
  if (kind === 'access-token' && credential.usernameKind !== 'access-token-static') return 'https.access-token-username';
  return null;
}

/**
 * A refused API token, named as such where the evidence allows (facts §12): git's 401 with an API
 * token is a credential problem whatever the body says; the REST API's answer to the same token
 * tells a dead token (revoked, expired, created without scopes) from a wrong username. Pure.
 */
function tokenRefusal(facts: HttpsFacts, params: FindingParams, evidence: string[], fixes: FixId[] | undefined): Finding | null {
  const credential = facts.credential;
  if (!facts.cloud || credential?.secretKind.kind !== 'api-token') return null;
  const check = facts.tokenCheck ?? null;
  const remote = facts.remote;
  if (check?.outcome === 'accepted') {
    const sent = credential.username;
    if (check.username && sent && sent !== check.username && credential.usernameKind !== 'api-token-static') {
      return finding('https.token-username-mismatch', { remote, evidence, params: { ...params, account: check.username }, fixes });
    }
    // A good token with the right username refused by git: the generic finding, with the API's proof in its evidence.
    return null;
  }
  if (check?.outcome === 'missing-scopes') return null;
  const reason =
    check?.outcome === 'refused'
      ? `Bitbucket's API refuses it too, with your linked account's email ${check.email}${check.message ? ` ("${check.message.replace(/\.$/, '')}")` : ''}: ${check.sameAsLinked ? '' : 'unless the token belongs to another Atlassian account, '}the token was revoked, has expired, or was created without scopes; the username is not the problem.`
      : `Bitbucket refuses an API token this way when it was created without scopes (Atlassian: an API token without scopes cannot be used for git), when it was revoked or has expired, or when the username is not the token's Bitbucket username.${check ? '' : ' With your Bitbucket account linked (push-doctor account link), Push Doctor can tell which.'}`;
  return finding('https.token-refused', { remote, evidence, params: { ...params, reason }, fixes });
}

/** Findings from the server's answers when no credential shape explains them. */
function probeFindings(facts: HttpsFacts, params: FindingParams, rejectedFixes: FixId[] | undefined): Finding[] {
  const { remote, read, write } = facts;
  const out: Finding[] = [];
  const probes = [read, write].filter((p): p is ProbeResult => p !== null);
  const first = (kind: HttpsOutcome['kind']) => probes.find((p) => p.outcome.kind === kind) ?? null;

  const rejected = first('auth-rejected');
  if (rejected) {
    const evidence = [...facts.credentialEvidence, ...probeEvidence(rejected), ...(facts.tokenCheck ? [facts.tokenCheck.evidence] : [])];
    return [tokenRefusal(facts, params, evidence, rejectedFixes) ?? finding('https.auth-rejected', { remote, evidence, params, fixes: rejectedFixes })];
  }

  const basicOff = probes.find((p) => p.outcome.hint === 'basic-auth-disabled');
  if (basicOff) return [finding('https.basic-auth-disabled', { remote, evidence: probeEvidence(basicOff), params })];

  const scope = first('missing-scope');
  if (scope) out.push(finding('https.missing-scope', { remote, evidence: probeEvidence(scope), params }));

  const readOk = read?.outcome.kind === 'ok';
  if (read?.outcome.kind === 'not-found') {
    out.push(finding('https.repo-not-found', { remote, evidence: probeEvidence(read), params }));
  } else if (read?.outcome.kind === 'forbidden') {
    out.push(finding('https.forbidden', { remote, evidence: probeEvidence(read), params: { ...params, reason: forbiddenReason(facts, read.outcome) } }));
  } else if (write && (write.outcome.kind === 'forbidden' || write.outcome.kind === 'not-found')) {
    if (readOk) {
      out.push(finding('https.read-only', { remote, evidence: [...probeEvidence(read), ...probeEvidence(write)], params }));
    } else if (write.outcome.kind === 'not-found') {
      out.push(finding('https.repo-not-found', { remote, evidence: probeEvidence(write), params }));
    } else {
      out.push(finding('https.forbidden', { remote, evidence: probeEvidence(write), params: { ...params, reason: forbiddenReason(facts, write.outcome) } }));
    }
  }
  return out;
}
