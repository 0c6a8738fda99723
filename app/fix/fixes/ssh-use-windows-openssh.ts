import { stat } from 'node:fs/promises';
import type { EngineContext } from '../../context.js';
import { envValue } from '../../exec/env.js';
import { windowsOpenSsh } from '../../exec/windows-tools.js';
import { git } from '../../git/git.js';
import { shellQuote } from '../../ssh/command.js';
import { globalGitConfigFile } from '../git-config-files.js';
import { resolveSshFixTarget } from '../ssh-target.js';
import { fixPlan, type Fix, type FixScope } from '../types.js';

/**
 * ssh.use-windows-openssh: on Windows, let git run Windows' own OpenSSH (core.sshCommand in the
 * global config), which talks to the OpenSSH Authentication Agent that holds the user's key; Git
 * for Windows' own ssh does not. The value is a shell string for git: forward slashes, quoted
 * when needed. Undo restores the global config file byte for byte.
 */
async function situation(ctx: EngineContext, scope: FixScope) {
  const program = windowsOpenSsh(ctx.env, 'ssh');
  const value = shellQuote(program.replace(/\\/g, '/'));
  if (ctx.platform !== 'win32') return { blocked: 'Only Windows has OpenSSH for Windows and its agent.', value };
  if (!(await stat(program).then((s) => s.isFile(), () => false))) {
    return { blocked: `OpenSSH for Windows is not installed (${program} is missing): add the "OpenSSH Client" optional feature in Windows Settings.`, value };
  }
  if (envValue(ctx.env, 'GIT_SSH_COMMAND', 'win32') !== undefined) return { blocked: 'GIT_SSH_COMMAND is set in your environment and overrides git config: change or remove it there.', value };
  const target = await resolveSshFixTarget(ctx, scope);
  const command = target.ok ? target.target.endpoint.command : null;
  const file = await globalGitConfigFile(ctx);
  if (command?.source === 'core.sshCommand' && !command.origin.includes(file)) return { blocked: `core.sshCommand is set in ${command.origin.replace(/^core\.sshCommand in /, '')}, which wins over your global config: change it there.`, value };
  const inUse = target.ok && target.target.endpoint.flavour === 'windows-openssh';
  return { blocked: null, value, file, inUse };
}

export const useWindowsOpenSsh: Fix = {
  id: 'ssh.use-windows-openssh',

  async describe(ctx, scope) {
    const s = await situation(ctx, scope);
    if (s.blocked) return fixPlan(this.id, { applicable: false, reason: s.blocked });
    if (s.inUse) return fixPlan(this.id, { applicable: false, reason: 'git already runs OpenSSH for Windows.' });
    return fixPlan(this.id, {
      applicable: true,
      changes: [{ target: s.file!, action: `Set core.sshCommand to ${s.value}: git then runs Windows' OpenSSH, which uses the OpenSSH Authentication Agent` }],
      details: ['Keys in that agent then work for git; keys only Git for Windows\' ssh found by itself (its SSH_AUTH_SOCK agent) no longer do.', 'Undo restores your global git config exactly.'],
    });
  },

  async inEffect(ctx, scope) {
    const s = await situation(ctx, scope);
    return { inEffect: !s.blocked && s.inUse === true, outcome: { message: 'git already runs OpenSSH for Windows.' } };
  },

  async apply(ctx, scope, change) {
    const s = await situation(ctx, scope);
    if (s.blocked || !s.file) throw new Error(s.blocked ?? 'no global git config');
    await change.editGitConfig(s.file, [['core.sshCommand', s.value]], { cwd: ctx.homeDir });
    return { message: `git now runs ${s.value} for SSH.` };
  },

  async verify(ctx, scope) {
    const target = await resolveSshFixTarget(ctx, scope);
    if (!target.ok) return { ok: false, detail: target.reason };
    const flavour = target.target.endpoint.flavour;
    const set = await git(ctx, ['config', '--global', '--get', 'core.sshCommand'], { cwd: ctx.homeDir });
    return flavour === 'windows-openssh' ? { ok: true, detail: `git's ssh command is ${set.stdout.trim()} (OpenSSH for Windows).` } : { ok: false, detail: `git still runs ${target.target.endpoint.program ?? 'another ssh'}` };
  },
};
