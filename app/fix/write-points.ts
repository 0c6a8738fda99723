/**
 * The named places where a fix, an undo or the journal changes something outside this process: a
 * file renamed into place, a folder made, a credential helper or ssh-add called, a key added to
 * the Bitbucket account. Each calls writePoint() just BEFORE its change, so "killed at point N"
 * means: every change before N happened, N and everything after it did not.
 *
 * This is the seam of the crash-safety sweep (test/crash): the sweep starts the real CLI with
 * `node --import test/crash/support/crash-hook.mjs`, which installs a hook under HOOK that records
 * the points or SIGKILLs the process at one of them. Nothing in the product installs a hook or
 * reads an environment variable for it, so no setting can trigger it by accident; without a hook a
 * point costs one property lookup.
 */
export type WritePoint =
  // atomic-write.ts: a file replaced through a temp file beside it. (The folder fsync after the
  // rename has no point of its own: only a power cut, never a killed process, could tell a kill
  // just before it from one at the next point.)
  | 'file.temp' // before the temp file is created
  | 'file.rename' // the temp file is written and synced; before the rename over the target
  // atomic-write.ts: a new file that must not replace one (keys, backups, undo secrets)
  | 'create.temp'
  | 'create.link' // the temp file is written and synced; before it is linked to its name
  | 'create.linked' // linked; before the temp name is removed
  // state-dir.ts: the journal lock
  | 'lock.take'
  | 'lock.release'
  // step-recorder.ts and step-undoer.ts: the other changes a fix or its undo makes
  | 'dir.make'
  | 'dir.remove'
  | 'file.chmod'
  | 'file.delete'
  | 'git-config' // git computes a config edit on a private copy (then file.* replaces the file)
  | 'credential.store'
  | 'credential.erase'
  | 'agent.add'
  | 'agent.remove'
  | 'acl.restrict'
  | 'acl.restore'
  | 'account-key.add'
  | 'account-key.remove'
  | 'undo-data.discard'
  // undo-secrets.ts: undo copies kept in a credential helper or the system keychain
  | 'undo-copy.store'
  | 'undo-copy.erase';

const HOOK = Symbol.for('push-doctor.write-point');

type Hook = (point: WritePoint, target: string) => void;

/** Marks a write point; `target` says what is about to change (a path, a helper, a socket). */
export function writePoint(point: WritePoint, target: string): void {
  const hook = (globalThis as { [HOOK]?: Hook })[HOOK];
  if (hook) hook(point, target);
}
