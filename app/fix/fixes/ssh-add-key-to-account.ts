import { addKeyToAccount, connectedAccount, keyToAdd } from '../../account/operations.js';
import { CLOUD_SITE, type Site } from '../../account/link.js';
import { resolveAccount } from '../../account/resolve.js';
import type { EngineContext } from '../../context.js';
import { LINKS } from '../../facts/bitbucket.js';
import { resolveSshFixTarget } from '../ssh-target.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/**
 * The account site an SSH remote's keys belong to: Bitbucket Cloud, or the declared Data Center
 * server whose host the remote uses.
 */
export async function accountSiteFor(ctx: EngineContext, scope: FixScope): Promise<Site> {
  const target = await resolveSshFixTarget(ctx, scope);
  if (!target.ok || target.target.kind !== 'datacenter') return CLOUD_SITE;
  const host = (target.target.url.host ?? '').toLowerCase();
  return ctx.bitbucketHosts.find((h) => h.replace(/:\d+$/, '') === host || h === host) ?? host;
}

const linkFirst = (site: Site) =>
  `No Bitbucket account is linked for ${site}: link it first (push-doctor account link${site === CLOUD_SITE ? '' : ` --bitbucket-host ${site}`} --input-stdin), or add the key by hand (push-doctor fix open.ssh-keys-page).`;

/**
 * ssh.add-key-to-account: puts the public key ssh offers for Bitbucket on the linked account through
 * Bitbucket's REST API. An external change: journaled, and undo deletes that key again when the
 * linked token has the delete scope (otherwise it says where to remove it).
 */
export const addKeyToAccountFix: Fix = {
  id: 'ssh.add-key-to-account',

  async describe(ctx, scope) {
    const site = await accountSiteFor(ctx, scope);
    const account = await resolveAccount(ctx, site);
    if (!account.ok) return fixPlan(this.id, { applicable: false, reason: account.state === 'none' ? linkFirst(site) : account.sentence });
    let key;
    try {
      key = await keyToAdd(ctx, { scope, site });
    } catch (error) {
      return fixPlan(this.id, { applicable: false, reason: error instanceof Error ? error.message : String(error) });
    }
    const who = account.link.kind === 'cloud' ? account.link.email : account.link.username;
    return fixPlan(this.id, {
      applicable: true,
      changes: [{ target: `Bitbucket account ${who} (${site})`, action: `Add the SSH key ${key.fingerprint} from ${key.path}` }],
      details: ['Undo deletes the key from the account again if the linked token has the delete scope; otherwise it says where to remove it.'],
    });
  },

  async inEffect(ctx, scope) {
    try {
      const site = await accountSiteFor(ctx, scope);
      const key = await keyToAdd(ctx, { scope, site });
      const { api, user } = await connectedAccount(ctx, site);
      const { keys } = await api.listKeys(user);
      const there = keys.find((k) => k.fingerprint === key.fingerprint);
      return there ? { inEffect: true, outcome: { message: `The key ${key.fingerprint} is already on your Bitbucket account.`, fingerprint: key.fingerprint } } : { inEffect: false };
    } catch {
      // describe and apply say what is wrong.
      return { inEffect: false };
    }
  },

  async apply(ctx, scope, change) {
    const result = await addKeyToAccount(ctx, change, { site: await accountSiteFor(ctx, scope), scope });
    return { message: result.message, fingerprint: result.fingerprint };
  },

  async verify(ctx, scope, outcome) {
    const site = await accountSiteFor(ctx, scope);
    const { api, user } = await connectedAccount(ctx, site);
    const { keys } = await api.listKeys(user);
    return keys.some((k) => k.fingerprint === outcome.fingerprint)
      ? { ok: true, detail: `Bitbucket lists ${outcome.fingerprint} on the account.` }
      : { ok: false, detail: `Bitbucket does not list ${outcome.fingerprint} on the account (add it by hand at ${LINKS.sshKeys}).` };
  },
};
