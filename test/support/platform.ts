/**
 * Why a test cannot run on this machine's operating system, for
 * `describe.skipIf(x.skip)(\`name${skipNote(x)}\`)`: the reason is in the test's name when it is
 * skipped, never a silent pass. The Windows CI runner (windows-latest) runs the suite; tests that
 * need POSIX-only parts skip there, and tests of the real Windows branches skip everywhere else.
 */
export interface PlatformSkip {
  skip: boolean;
  reason: string;
}

const onWindows = process.platform === 'win32';

function unlessWindows(reason: string): PlatformSkip {
  return { skip: onWindows, reason: onWindows ? `skipped on Windows: ${reason}` : '' };
}

/** " (skipped: …)" when skipped, else "". */
export function skipNote(s: PlatformSkip): string {
  return s.skip ? ` (${s.reason})` : '';
}

/** Fake programs and servers written as POSIX sh scripts (#!/bin/sh). */
export const posixOnly = unlessWindows('the fake programs are POSIX sh scripts');
/** The fake Bitbucket SSH server is driven with OpenSSH's Unix-only options and sockets (ssh-agent -a, ControlPath). */
export const posixSsh = unlessWindows("the SSH scenarios use POSIX ssh-agent sockets, /dev/null paths and sh scripts");
/** POSIX file modes (chmod 600/644): NTFS has ACLs instead. */
export const posixModes = unlessWindows('checks POSIX file modes; NTFS keeps ACLs (covered by the key ACL tests)');
/** A process killed at a chosen point (the crash hook SIGKILLs itself): Windows has no signals, its TerminateProcess looks like an ordinary exit to the parent. */
export const posixKill = unlessWindows('killing a process at a chosen write point needs SIGKILL, and Windows ends a process without a signal its parent can tell from an exit');
/** Unix domain sockets and process groups. */
export const posixProcesses = unlessWindows('uses Unix process groups and /dev/tty');

/** Runs only on Windows: the real Windows branch (Git for Windows, OpenSSH for Windows, icacls, taskkill). */
export const windowsOnly: PlatformSkip = { skip: !onWindows, reason: onWindows ? '' : `skipped: needs Windows (runs on the windows-latest CI runner), this is ${process.platform}` };

/**
 * The variables a Windows program needs to start at all, taken from this process (none elsewhere).
 * Tests build environments from scratch (a throwaway home, a child with only PATH); on Windows such
 * an environment must still carry these: without SystemRoot, Node aborts at start ("Assertion
 * failed: ncrypto::CSPRNG"), and git and ssh cannot open a socket.
 */
export const WINDOWS_SYSTEM_VARIABLES = ['SystemRoot', 'windir', 'SystemDrive', 'ComSpec', 'PATHEXT', 'TEMP', 'TMP', 'ProgramData', 'ProgramFiles', 'ProgramFiles(x86)', 'ProgramW6432', 'CommonProgramFiles', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE', 'OS'] as const;

export function systemEnv(platform: NodeJS.Platform = process.platform, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (platform !== 'win32') return {};
  const env: NodeJS.ProcessEnv = {};
  for (const name of WINDOWS_SYSTEM_VARIABLES) {
    const key = Object.keys(from).find((k) => k.toUpperCase() === name.toUpperCase());
    if (key !== undefined && from[key] !== undefined) env[name] = from[key];
  }
  return env;
}
