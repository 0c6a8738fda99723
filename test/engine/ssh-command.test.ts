import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runPlanned, runtimeFor } from '../../app/exec/git-runtime.js';
import { parseSshG } from '../../app/ssh/client-config.js';
import {
  chooseSshCommand,
  commandWithSwitches,
  maskCommandSecrets,
  planSsh,
  splitCommandLine,
  variantSwitches,
  type SshCommandInputs,
} from '../../app/ssh/command.js';

const run = promisify(execFile);
const inputs = (env: NodeJS.ProcessEnv, core: string | null = null, variant: string | null = null): SshCommandInputs => ({
  env,
  coreSshCommand: core === null ? null : { value: core, origin: 'core.sshCommand in /h/.gitconfig' },
  sshVariantConfig: variant,
  platform: 'linux',
});

describe("git's ssh command", () => {
  it.each([
    ['GIT_SSH_COMMAND wins over everything', { GIT_SSH_COMMAND: 'ssh -i /k', GIT_SSH: '/usr/bin/plink' }, 'ssh -F /c', null, 'GIT_SSH_COMMAND', true, 'ssh'],
    ['then core.sshCommand', { GIT_SSH: '/usr/bin/plink' }, 'ssh -F /c', null, 'core.sshCommand', true, 'ssh'],
    ['then GIT_SSH, a program run without a shell', { GIT_SSH: '/usr/bin/plink' }, null, null, 'GIT_SSH', false, 'plink'],
    ['then plain ssh', {}, null, null, 'default', false, 'ssh'],
    ['TortoisePlink by name, case-insensitive', { GIT_SSH: '/opt/TortoisePlink.exe' }, null, null, 'GIT_SSH', false, 'tortoiseplink'],
    ['an unknown wrapper: git decides with -G', { GIT_SSH_COMMAND: '/usr/local/bin/ssh-wrapper --fast' }, null, null, 'GIT_SSH_COMMAND', true, 'auto'],
    ['ssh.variant overrides the name', {}, 'my-ssh', 'putty', 'core.sshCommand', true, 'putty'],
    ['GIT_SSH_VARIANT overrides ssh.variant', { GIT_SSH_VARIANT: 'simple' }, 'ssh', 'plink', 'core.sshCommand', true, 'simple'],
    ['an unknown variant value means OpenSSH', { GIT_SSH_VARIANT: 'openssh' }, 'my-ssh', null, 'core.sshCommand', true, 'ssh'],
    ['"auto" falls back to the name', { GIT_SSH_VARIANT: 'auto', GIT_SSH: 'C:/PuTTY/plink.exe' }, null, null, 'GIT_SSH', false, 'plink'],
  ] as const)('%s', (_name, env, core, variant, source, shell, expected) => {
    const command = chooseSshCommand(inputs(env, core, variant));
    expect([command.source, command.shell, command.variant]).toEqual([source, shell, expected]);
  });

  it("splits a command line like git's split_cmdline", () => {
    expect(splitCommandLine(`ssh -i "/home/u/my keys/id" -o 'User=git'  -p\\ 22`)).toEqual(['ssh', '-i', '/home/u/my keys/id', '-o', 'User=git', '-p 22']);
    expect(splitCommandLine('"C:/Program Files/Git/usr/bin/ssh.exe" -v')?.[0]).toBe('C:/Program Files/Git/usr/bin/ssh.exe');
    expect(splitCommandLine('ssh "unclosed')).toBeNull();
  });

  it("puts the probe's switches right after the program so they win over the user's", () => {
    const sw = variantSwitches('ssh', { sshOptions: [['BatchMode', 'yes'], ['UserKnownHostsFile', '/t/a /t/b']], sshFlags: ['-T'] });
    expect(sw).toEqual(['-T', '-o', 'BatchMode=yes', '-o', 'UserKnownHostsFile=/t/a /t/b']);
    const core = chooseSshCommand(inputs({}, "ssh -F '/h/.ssh/config' -o BatchMode=no"));
    expect(commandWithSwitches(core, sw)).toBe("ssh -T -o BatchMode=yes -o 'UserKnownHostsFile=/t/a /t/b' -F '/h/.ssh/config' -o BatchMode=no");
    const quoted = chooseSshCommand(inputs({ GIT_SSH_COMMAND: '"/opt/my ssh/ssh" -i k' }));
    expect(commandWithSwitches(quoted, ['-T'])).toBe('"/opt/my ssh/ssh" -T -i k');
    // a script: the first word is an assignment, so the switches go after the user's words
    const script = chooseSshCommand(inputs({ GIT_SSH_COMMAND: 'LD_PRELOAD= ssh -i k' }));
    expect(commandWithSwitches(script, ['-T'])).toBe('LD_PRELOAD= ssh -i k -T');
    // GIT_SSH is a program path: quoted into a shell string
    const program = chooseSshCommand(inputs({ GIT_SSH: '/opt/Pu TTY/plink' }));
    expect(commandWithSwitches(program, variantSwitches('plink', { sshOptions: [['BatchMode', 'yes']], sshFlags: ['-T', '-v'] }))).toBe("'/opt/Pu TTY/plink' -batch -T -v");
    expect(variantSwitches('simple', { sshOptions: [['BatchMode', 'yes']], sshFlags: ['-T'] })).toEqual([]);
  });

  it('the real OpenSSH takes the first -o: our StrictHostKeyChecking beats the user\'s', async () => {
    const user = chooseSshCommand(inputs({ GIT_SSH_COMMAND: 'ssh -F /dev/null -o StrictHostKeyChecking=no -o BatchMode=no' }));
    const env = { PATH: process.env.PATH };
    const runtime = await runtimeFor({ platform: 'linux', env, homeDir: '/h', execPath: null });
    const switches = variantSwitches('ssh', { sshOptions: [['StrictHostKeyChecking', 'yes'], ['BatchMode', 'yes']], sshFlags: [] });
    const { stdout } = await runPlanned(runtime, await planSsh(runtime, user, switches, ['-G', 'git@ssh.bitbucket.org']), { env, timeoutMs: 10_000 });
    const config = parseSshG(stdout, { homeDir: '/h', localUser: 'u', originalHost: 'ssh.bitbucket.org' });
    expect([config.strictHostKeyChecking, config.batchMode]).toEqual(['true', true]);
  });

  it('never shows an sshpass password', () => {
    expect(maskCommandSecrets('sshpass -p hunter22 ssh -T')).toBe('sshpass -p ••••• ssh -T');
    expect(maskCommandSecrets('sshpass -e ssh')).toBe('sshpass -e ssh');
  });
});

describe('ssh -G', () => {
  it('parses the effective config of the real client and expands tokens the way ssh does', async () => {
    const { stdout } = await run(
      'ssh',
      ['-F', '/dev/null', '-o', 'HostName=127.0.0.1', '-o', 'Port=2222', '-o', 'IdentityFile=~/.ssh/bb_%r_%h', '-o', 'IdentityFile=%d/.ssh/second', '-o', 'IdentitiesOnly=yes', '-o', 'HostKeyAlias=ssh.bitbucket.org', '-o', 'IdentityAgent=none', '-o', 'UserKnownHostsFile=/h/.ssh/kh1 /h/.ssh/kh2', '-G', 'git@bb'],
      { env: { PATH: process.env.PATH } },
    );
    const config = parseSshG(stdout, { homeDir: '/h', localUser: 'u', originalHost: 'bb' });
    expect(config).toMatchObject({
      hostname: '127.0.0.1',
      port: 2222,
      user: 'git',
      identityFiles: ['/h/.ssh/bb_git_127.0.0.1', '/h/.ssh/second'],
      identitiesOnly: true,
      hostKeyAlias: 'ssh.bitbucket.org',
      identityAgent: 'none',
      userKnownHostsFiles: ['/h/.ssh/kh1', '/h/.ssh/kh2'],
      strictHostKeyChecking: 'ask',
      batchMode: false,
    });
  });
});
