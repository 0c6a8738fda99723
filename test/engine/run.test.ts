import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run, stopAllCommands, treeKillCommand } from '../../app/exec/run.js';
import { posixProcesses, skipNote } from '../support/platform.js';

const env = { PATH: process.env.PATH };

describe.skipIf(posixProcesses.skip)(`run${skipNote(posixProcesses)}`, () => {
  it('captures stdout, stderr and the exit code', async () => {
    const r = await run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { env, timeoutMs: 5000 });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, spawnError: null });
  });

  it('kills the whole process group when the timeout passes', async () => {
    // The grandchild would keep the pipe open for 30 s if only the direct child were killed.
    const r = await run('sh', ['-c', 'sleep 30 & sleep 30; echo never'], { env, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('gives the child no terminal to prompt on', async () => {
    const r = await run('sh', ['-c', '( : </dev/tty ) 2>/dev/null && echo has-tty || echo no-tty'], { env, timeoutMs: 5000 });
    expect(r.stdout.trim()).toBe('no-tty');
  });

  it('hands data to the child on fd 3 without argv or environment', async () => {
    const r = await run('sh', ['-c', 'cat <&3'], { env, timeoutMs: 5000, fd3: 'secret-value' });
    expect(r.stdout).toBe('secret-value');
  });
  it('never starts a command whose signal is already aborted (a later step of a cancelled diagnosis)', async () => {
    const marker = `/tmp/push-doctor-run-test-${process.pid}-${Date.now()}`;
    const r = await run('sh', ['-c', `touch ${marker}`], { env, timeoutMs: 5000, signal: AbortSignal.abort() });
    expect(r).toMatchObject({ exitCode: null, stdout: '', timedOut: false, spawnError: null });
    expect(existsSync(marker)).toBe(false);
  });

  it('stopAllCommands ends every running command with its whole process group', async () => {
    const running = [run('sh', ['-c', 'sleep 30 & sleep 30'], { env, timeoutMs: 60_000 }), run('sleep', ['30'], { env, timeoutMs: 60_000 })];
    await new Promise((resolve) => setTimeout(resolve, 200));
    stopAllCommands();
    const results = await Promise.all(running);
    for (const r of results) expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
  });
});

describe('run, on every platform', () => {
  it('reports a command that does not exist instead of throwing', async () => {
    const r = await run('/nonexistent/push-doctor-cmd', [], { env, timeoutMs: 5000 });
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
  });

  it('ends the whole process tree on timeout: a grandchild (git → ssh) does not survive', async () => {
    // node → node: the child starts a grandchild that would live 30 s, prints its pid, and waits.
    const grandchild = 'setTimeout(() => {}, 30000)';
    const child = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'inherit' }); console.log(c.pid); setTimeout(() => {}, 30000);`;
    const r = await run(process.execPath, ['-e', child], { env: { ...process.env }, timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(10_000);
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it('on Windows ends the tree with taskkill /T /F from %SystemRoot%, never from the PATH', () => {
    expect(treeKillCommand(4242, { SystemRoot: 'C:\\Windows', PATH: 'C:\\evil' })).toEqual({ file: 'C:\\Windows/System32/taskkill.exe', args: ['/T', '/F', '/PID', '4242'] });
    expect(treeKillCommand(7, { windir: 'D:\\WIN' }).file).toBe('D:\\WIN/System32/taskkill.exe');
  });
});
