import type { EngineContext } from '../context.js';
import type { Finding } from '../contract/report.js';
import { finding } from '../diagnose/catalogue.js';
import type { CheckReporter } from '../diagnose/reporter.js';
import type { RemoteTarget } from '../diagnose/target.js';
import { SCOPES_FOR_SSH_KEYS, SCOPE_USER_READ } from '../facts/bitbucket.js';
import type { SshEndpoint } from '../ssh/endpoint.js';
import { describeFailure, missingScopes } from './api.js';
import { localPublicKeys, offeredByEndpoint, type OfferedKey } from './offered-keys.js';
import { linkLabel, siteOfTarget, type AccountSession, type AccountView } from './session.js';
import type { Site } from './link.js';

/**
 * The diagnosis' account checks. They run only when an account is linked (keychain or
 * environment) and the diagnosis is online; otherwise nothing here adds a check or a finding.
 */

/** The account itself, once per site: is the token accepted, may it read the user and the SSH keys. Check id account.link. */
export async function accountLinkFindings(session: AccountSession, site: Site, reporter: CheckReporter): Promise<Finding[]> {
  const resolved = await session.resolve(site);
  if (!resolved.ok) {
    // Locked is worth a line (a link exists but cannot be read); "nothing linked" and "no keychain" change nothing.
    if (resolved.state === 'locked') reporter.skip('account.link', null, `Bitbucket account (${site})`, resolved.sentence);
    return [];
  }
  const findings: Finding[] = [];
  await reporter.check('account.link', null, `Bitbucket account (${site})`, async () => {
    const view = (await session.view(site))!;
    findings.push(...viewFindings(view, site));
    if (view.failure) return { status: 'warning', summary: describeFailure(view.failure, site) };
    const keys = view.keys ? `${view.keys.length} SSH key${view.keys.length === 1 ? '' : 's'} on the account` : `SSH keys not readable: ${describeFailure(view.keysFailure!, site)}`;
    return { status: findings.length ? 'warning' : 'ok', summary: `${linkLabel(view)}, from ${view.source === 'environment' ? 'the environment' : 'the system keychain'}; token accepted; ${keys}` };
  });
  return findings;
}

/** Findings about the link from what Bitbucket answered. Pure. */
export function viewFindings(view: AccountView, site: Site): Finding[] {
  const login = view.link.kind === 'cloud' ? view.link.email : view.link.username;
  const params = { host: site, account: login };
  const failure = view.failure;
  if (failure) {
    if (failure.kind === 'invalid-token' || failure.kind === 'app-password') return [finding('account.token-invalid', { remote: null, evidence: [describeFailure(failure, site)], params: { ...params, reason: failure.message ?? undefined } })];
    if (failure.kind === 'missing-scopes') {
      const scopes = failure.required.length ? failure.required : [SCOPE_USER_READ];
      return [finding('account.token-scopes', { remote: null, evidence: [describeFailure(failure, site)], params: { ...params, scopes: scopes.join(', '), reason: 'Without it Push Doctor cannot even see which account the token belongs to.' } })];
    }
    return [finding('account.unreachable', { remote: null, evidence: [describeFailure(failure, site)], params: { ...params, reason: 'reason' in failure ? failure.reason : `HTTP ${failure.status}` } })];
  }
  // The linked token is for the account (its SSH keys); whether it could also push is shown by
  // `account status`, not raised here: a separate token for git is the usual setup.
  const keysFailure = view.keysFailure;
  if (keysFailure && keysFailure.kind !== 'missing-scopes') {
    return [finding('account.unreachable', { remote: null, evidence: [describeFailure(keysFailure, site)], params: { ...params, reason: describeFailure(keysFailure, site).replace(/\.$/, '') } })];
  }
  const lacking = keysFailure?.kind === 'missing-scopes' ? (keysFailure.required.length ? keysFailure.required : [...SCOPES_FOR_SSH_KEYS]) : (missingScopes(view.grantedScopes, SCOPES_FOR_SSH_KEYS) ?? []);
  if (!lacking.length) return [];
  const evidence = [view.grantedScopes ? `x-oauth-scopes: ${view.grantedScopes.join(', ') || '(none)'}` : '', keysFailure ? describeFailure(keysFailure, site) : ''].filter(Boolean);
  return [finding('account.token-scopes', { remote: null, evidence, params: { ...params, scopes: lacking.join(', '), reason: 'So Push Doctor cannot check or add your SSH keys.' } })];
}

/**
 * The SSH keys ssh offers against the keys on the account (check id account.keys): a key missing
 * from the account, or a key on the account that ssh does not offer. These name the cause of a
 * "Permission denied (publickey)" better than ssh can, so they replace it (its proof is kept).
 */
export async function accountSshFindings(ctx: EngineContext, session: AccountSession, target: RemoteTarget, endpoint: SshEndpoint, sshFindings: Finding[], reporter: CheckReporter): Promise<Finding[]> {
  const site = siteOfTarget(ctx, target);
  if (!site || !(await session.resolve(site)).ok) return sshFindings;
  const remote = target.remote.name;
  let extra: Finding[] = [];
  let replaced = sshFindings;
  await reporter.check('account.keys', remote, 'SSH keys on your Bitbucket account', async () => {
    const view = await session.view(site);
    if (!view?.keys) return { status: 'skipped', summary: view?.failure || view?.keysFailure ? `not checked: ${describeFailure((view.failure ?? view.keysFailure)!, site)}` : 'not checked' };
    const [offered, local] = await Promise.all([offeredByEndpoint(ctx, endpoint), localPublicKeys(ctx)]);
    const onAccount = new Set(view.keys.map((k) => k.fingerprint));
    const offeredOnAccount = offered.keys.filter((k) => onAccount.has(k.fingerprint));
    const offeredPrints = new Set(offered.keys.map((k) => k.fingerprint));
    const sshWorks = sshFindings.some((f) => f.code === 'ssh.ok');
    const who = view.user?.username ?? undefined;
    const evidence = [
      `${linkLabel(view)}: ${view.keys.length ? view.keys.map((k) => `${k.fingerprint}${k.label ? ` "${k.label}"` : ''}`).join(', ') : 'no SSH keys'}`,
      `ssh offers to ${offered.host}: ${offered.keys.length ? offered.keys.map(describeOffered).join(', ') : 'no key'}${offered.note ? ` (${offered.note})` : ''}`,
    ];
    const notOffered = local.filter((k) => onAccount.has(k.fingerprint) && !offeredPrints.has(k.fingerprint));
    if (!sshWorks && offeredOnAccount.length === 0) {
      const params = { host: offered.host, account: who };
      const denial = sshFindings.filter((f) => f.code === 'ssh.permission-denied' || (f.code === 'ssh.no-key' && notOffered.length > 0));
      const kept = denial.flatMap((f) => f.evidence);
      if (notOffered.length > 0) {
        const key = notOffered[0]!;
        extra = [finding('ssh.account-key-not-offered', { remote, evidence: [...evidence, `on the account and in ${key.path}.pub: ${key.fingerprint}`, ...kept], params: { ...params, keyPath: key.path, fingerprint: key.fingerprint } })];
      } else if (offered.keys.length > 0) {
        const key = offered.keys.find((k) => k.publicKey) ?? offered.keys[0]!;
        const reason = offered.keys.length > 1 ? `None of the ${offered.keys.length} keys ssh offers is on it.` : undefined;
        extra = [finding('ssh.key-not-on-account', { remote, evidence: [...evidence, ...kept], params: { ...params, fingerprint: key.fingerprint, reason } })];
      }
      if (extra.length) replaced = sshFindings.filter((f) => !denial.includes(f));
    }
    const status = extra.length ? 'error' : 'ok';
    const summary = offered.keys.length === 0 ? `${view.keys.length} key${view.keys.length === 1 ? '' : 's'} on the account; ssh offers none` : offeredOnAccount.length ? `ssh offers ${offeredOnAccount[0]!.fingerprint}, which is on the account` : `none of the keys ssh offers is on the account (${view.keys.length} key${view.keys.length === 1 ? '' : 's'} there)`;
    return { status, summary: ctx.secrets.redact(summary) };
  });
  return [...replaced, ...extra];
}

function describeOffered(k: OfferedKey): string {
  return `${k.fingerprint} (${k.path ?? 'agent'})`;
}
