import path from 'node:path';
import type { EngineContext } from '../../context.js';
import { derivePublicKey } from '../../keys/inspect.js';
import { inspectAgent, type AgentState } from '../../ssh/agent.js';
import type { SshFlavour } from '../../ssh/flavour.js';
import { sha256Fingerprint } from '../../ssh/fingerprint.js';
import { inspectIdentityFiles, type IdentityFileInfo } from '../../ssh/keys.js';
import { agentFingerprints, keychainSshAdd } from '../agent-io.js';
import { oncePerContext } from '../memo.js';
import { resolveSshFixTarget } from '../ssh-target.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/** OpenSSH's default identity files, for a scope without an SSH remote. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface Situation {
  agent: AgentState;
  /** The key to add: the first passphrase-protected key ssh would use that the agent does not hold. */
  key: IdentityFileInfo | null;
  /** Passphrase-protected keys ssh would use (a key without a passphrase needs no agent). */
  locked: IdentityFileInfo[];
  /** Keys ssh would use that exist. */
  keys: IdentityFileInfo[];
  /** Where the agent setting comes from, for the words. */
  agentSource: string;
  /** Apple's ssh-add is the one on PATH: it can also keep the passphrase in the login keychain. */
  keychain: { program: string; flag: string } | null;
  /** The ssh build git runs (Windows: it decides which agent counts). */
  flavour: SshFlavour;
}

/** The agent ssh uses for the remote's host (IdentityAgent from ssh -G, else SSH_AUTH_SOCK) and the keys it would offer. */
async function situation(ctx: EngineContext, scope: FixScope): Promise<Situation> {
  const target = await resolveSshFixTarget(ctx, scope);
  const config = target.ok ? target.target.endpoint.config : null;
  const paths = config?.identityFiles ?? scope.keyPaths ?? DEFAULT_KEYS.map((name) => path.join(ctx.homeDir, '.ssh', name));
  const [agent, infos, keychain] = await Promise.all([
    inspectAgent(ctx, config?.identityAgent ?? null, target.ok ? target.target.endpoint : undefined),
    inspectIdentityFiles(paths, ctx.platform),
    ctx.platform === 'darwin' ? oncePerContext(ctx, 'apple ssh-add', () => keychainSshAdd(ctx)) : Promise.resolve(null),
  ]);
  const keys = infos.filter((k) => k.exists && !k.problem);
  const locked = keys.filter((k) => k.encrypted === true);
  const held = new Set(agent.keys.map((k) => k.fingerprint));
  const key = locked.find((k) => !k.fingerprint || !held.has(k.fingerprint)) ?? null;
  return { agent, key, locked, keys, agentSource: agent.source ?? 'SSH_AUTH_SOCK', keychain, flavour: target.ok ? target.target.endpoint.flavour : 'openssh' };
}

/** Why the fix cannot run, with the exact next step; null when it can. */
function blocked(ctx: EngineContext, s: Situation): { reason: string; manualSteps: string[] } | null {
  if (ctx.platform === 'win32') {
    const keyArg = s.key?.path ?? '<your key>';
    // Only the agent of the ssh git runs helps: Git for Windows' ssh never asks the Windows service.
    if (s.flavour === 'windows-openssh') {
      return {
        reason: 'Adding a key to the OpenSSH Authentication Agent is not automated yet.',
        manualSteps: ['In PowerShell as administrator: Get-Service ssh-agent | Set-Service -StartupType Manual; Start-Service ssh-agent', `Then, as yourself: ssh-add ${keyArg}`],
      };
    }
    return {
      reason: "Adding a key to an agent is not automated on Windows yet, and Git for Windows' own ssh only uses an agent named by SSH_AUTH_SOCK.",
      manualSteps: [
        `In Git Bash: eval "$(ssh-agent -s)" and ssh-add ${keyArg} (git in that window then uses the key)`,
        "Or apply ssh.use-windows-openssh and load the key into the OpenSSH Authentication Agent (Start-Service ssh-agent; ssh-add), which every app's git then uses.",
      ],
    };
  }
  const keyArg = s.key?.path ?? '~/.ssh/id_ed25519';
  switch (s.agent.status) {
    case 'not-set':
      return {
        reason: 'No SSH agent is running for this session (SSH_AUTH_SOCK is not set), so there is no agent to unlock the key in.',
        manualSteps: [
          'Start an agent in the session that runs git: eval "$(ssh-agent -s)" in your shell profile, or enable the ssh-agent of your desktop (most start one at login).',
          `Then apply this fix again, or run in a terminal: ssh-add ${keyArg}`,
          'Alternatively apply ssh.configure-host: with "AddKeysToAgent yes" ssh puts the key into the running agent the first time you type its passphrase in a terminal, and later pushes (also from apps) use it without asking.',
        ],
      };
    case 'disabled':
      return { reason: 'ssh is configured not to use an agent for this host (IdentityAgent none).', manualSteps: ['Remove "IdentityAgent none" for this host from your ssh config, or remove the passphrase from the key (ssh-keygen -p).'] };
    case 'unreachable':
    case 'unavailable':
      return { reason: `The SSH agent cannot be used: ${s.agent.summary}.`, manualSteps: ['Restart the agent (log out and in, or eval "$(ssh-agent -s)"), then apply this fix again.'] };
    default:
      return null;
  }
}

/** ssh.add-key-to-agent: unlock the key once (passphrase through an askpass pipe) and add it to the agent ssh uses. */
export const addKeyToAgent: Fix = {
  id: 'ssh.add-key-to-agent',

  async describe(ctx, scope) {
    const s = await situation(ctx, scope);
    if (s.keys.length === 0) return fixPlan(this.id, { applicable: false, reason: 'No private key file was found; create one first (ssh.generate-key).' });
    if (s.locked.length === 0) return fixPlan(this.id, { applicable: false, reason: 'None of the keys ssh uses has a passphrase: ssh reads them directly, no agent is needed.' });
    const block = blocked(ctx, s);
    if (block) return fixPlan(this.id, { applicable: false, ...block });
    if (!s.key) return fixPlan(this.id, { applicable: false, reason: 'The SSH agent already holds every passphrase-protected key ssh would use.' });
    const keychain = s.keychain !== null;
    const what = `${s.key.path}${s.key.fingerprint ? ` (${s.key.fingerprint})` : ''}`;
    return fixPlan(this.id, {
      applicable: true,
      inputs: ['passphrase'],
      changes: [
        { target: `ssh-agent (${s.agent.socket})`, action: `Add the key ${what}, unlocked with your passphrase` },
        ...(keychain ? [{ target: 'macOS keychain', action: `Keep the passphrase in your login keychain (ssh-add ${s.keychain!.flag}), so the key is unlocked again after a restart` }] : []),
      ],
      details: [
        `This is the agent ssh uses for this host (${s.agentSource}).`,
        ...(ctx.platform === 'darwin' && !keychain ? ["The ssh-add on your PATH is not Apple's (Homebrew's, for example): it cannot keep the passphrase in the macOS keychain, so the key stays unlocked only until the agent stops."] : []),
        'The passphrase goes to ssh-add through a private pipe: it is never written to a file, a command line or the environment.',
        'The key stays in the agent until the agent stops (usually at logout). Undo removes it from the agent.',
      ],
    });
  },

  async inEffect(ctx, scope) {
    const s = await situation(ctx, scope);
    const ok = s.locked.length > 0 && s.key === null && s.agent.status === 'keys';
    return { inEffect: ok, outcome: { message: 'The SSH agent already holds every passphrase-protected key ssh would use.' } };
  },

  async apply(ctx, scope, change, input) {
    const s = await situation(ctx, scope);
    if (!s.key || !s.agent.socket) throw new Error('there is no key to add, or no agent');
    const passphrase = input.passphrase ? ctx.secrets.wrap(input.passphrase) : null;
    // The real ssh-keygen checks the passphrase and gives the public key before the agent is touched.
    const derived = await derivePublicKey(ctx, s.key.path, passphrase);
    if (!derived.ok) throw new Error(`${s.key.path} cannot be unlocked: ${derived.reason}`);
    const fingerprint = sha256Fingerprint(derived.publicKey.split(' ')[1] ?? '');
    await change.addAgentKey({ socket: s.agent.socket, keyPath: s.key.path, publicKey: derived.publicKey, fingerprint, passphrase, keychain: s.keychain !== null });
    return { message: `Added ${s.key.path} (${fingerprint}) to the SSH agent: git can use it without asking for the passphrase until the agent stops.`, fingerprint };
  },

  async verify(ctx, scope, outcome) {
    const s = await situation(ctx, scope);
    const held = s.agent.socket ? await agentFingerprints(ctx, s.agent.socket) : null;
    if (!outcome.fingerprint || !held?.includes(outcome.fingerprint)) return { ok: false, detail: `ssh-add -l does not list ${outcome.fingerprint ?? 'the key'}` };
    return { ok: true, detail: `ssh-add -l lists ${outcome.fingerprint}.` };
  },
};
