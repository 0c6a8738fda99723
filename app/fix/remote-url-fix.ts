import type { EngineContext } from '../context.js';
import type { FixInput, FixInputKind, PlannedChange } from '../contract/fixes.js';
import type { FixId } from '../contract/report.js';
import type { UrlTransform } from '../repo/url-edit.js';
import type { ChangeRecorder } from './change-recorder.js';
import { applyUrlEdits, describeUrlEdits, planRemoteUrlEdits, type UrlEditPlan, type UrlScope } from './remote-urls.js';
import { loadRemote, type LoadedRemote } from './remote-target.js';
import { fixPlan, type Fix, type FixOutcome, type FixScope, type VerifyResult } from './types.js';

type Loaded = Extract<LoadedRemote, { ok: true }>;

/** What one remote.* fix says and does; the planning, journal and verification are shared. */
export interface RemoteUrlFixSpec {
  id: FixId;
  scope: UrlScope;
  inputs?: FixInputKind[];
  /** The edit for this remote (input is null for the dry run), or why the fix does not apply. */
  transform(ctx: EngineContext, remote: Loaded, input: FixInput | null): UrlTransform | { reason: string };
  /** Why nothing would change (the remote has no URL this fix is about). */
  nothingToDo(remote: Loaded): string;
  /** What the end state is, for a repeated apply. */
  done(remote: Loaded): string;
  details?(ctx: EngineContext, remote: Loaded, plan: UrlEditPlan): string[];
  /** More planned changes besides the config edits (shown in the dry run). */
  extraChanges?(ctx: EngineContext, remote: Loaded): PlannedChange[];
  /**
   * Runs before the URLs change (inside the same transaction): words to add to the message, and
   * how to check what it did once the URLs are verified.
   */
  before?(ctx: EngineContext, remote: Loaded, change: ChangeRecorder): Promise<{ message: string; verify?: () => Promise<VerifyResult> }>;
  /** One line for the result. */
  applied(remote: Loaded, plan: UrlEditPlan): string;
}

/** The extra checks of each apply's `before`, for its verify (in memory only). */
const extraChecks = new WeakMap<FixOutcome, () => Promise<VerifyResult>>();

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

type Planned = { remote: Loaded; plan: UrlEditPlan } | { reason: string };

async function planFor(ctx: EngineContext, scope: FixScope, spec: RemoteUrlFixSpec, input: FixInput | null): Promise<Planned> {
  const remote = await loadRemote(ctx, scope);
  if (!remote.ok) return { reason: remote.reason };
  if (remote.target.bitbucket.kind === 'other') return { reason: `${remote.target.remote.name} does not point at Bitbucket.` };
  const transform = spec.transform(ctx, remote, input);
  if ('reason' in transform) return { reason: transform.reason };
  return { remote, plan: await planRemoteUrlEdits(ctx, remote.target.repoRoot, remote.target.remote.name, transform, spec.scope) };
}

/** Builds a Fix that changes a remote's URLs where the user configured them (pushurl, url or rewrite rule). */
export function remoteUrlFix(spec: RemoteUrlFixSpec): Fix {
  return {
    id: spec.id,

    async describe(ctx, scope) {
      const planned = await planFor(ctx, scope, spec, null);
      if ('reason' in planned) return fixPlan(spec.id, { applicable: false, reason: planned.reason });
      const { remote, plan } = planned;
      // Apply changes all or nothing: one URL it cannot change makes the fix not apply.
      if (plan.refusals.length || !plan.edits.length) return fixPlan(spec.id, { applicable: false, reason: sentence(plan.refusals[0] ?? spec.nothingToDo(remote)) });
      return fixPlan(spec.id, {
        applicable: true,
        inputs: spec.inputs ?? [],
        changes: [...(spec.extraChanges?.(ctx, remote) ?? []), ...describeUrlEdits(plan.edits)],
        details: spec.details?.(ctx, remote, plan) ?? [],
      });
    },

    async inEffect(ctx, scope) {
      // A fix that needs input cannot know the wanted end state: a repeated apply changes nothing instead.
      if (spec.inputs?.length) return { inEffect: false };
      const planned = await planFor(ctx, scope, spec, null);
      if ('reason' in planned) return { inEffect: false };
      const { plan, remote } = planned;
      const inEffect = plan.edits.length === 0 && plan.refusals.length === 0 && plan.satisfied > 0;
      return inEffect ? { inEffect, outcome: { message: sentence(spec.done(remote)) } } : { inEffect: false };
    },

    async apply(ctx, scope, change, input) {
      const planned = await planFor(ctx, scope, spec, input);
      if ('reason' in planned) throw new Error(planned.reason.replace(/\.$/, ''));
      const { remote, plan } = planned;
      if (plan.refusals.length) throw new Error(plan.refusals[0]!);
      if (!plan.edits.length) return { message: sentence(spec.done(remote)) };
      const extra = (await spec.before?.(ctx, remote, change)) ?? { message: '' };
      await applyUrlEdits(ctx, change, remote.target.repoRoot, plan.edits);
      const outcome = { message: `${sentence(spec.applied(remote, plan))}${extra.message}` };
      if (extra.verify) extraChecks.set(outcome, extra.verify);
      return outcome;
    },

    async verify(ctx, scope, outcome, input) {
      const planned = await planFor(ctx, scope, spec, input);
      if ('reason' in planned) return { ok: false, detail: planned.reason };
      const left = planned.plan.edits.length + planned.plan.refusals.length;
      if (left > 0) return { ok: false, detail: `${left} URL${left === 1 ? '' : 's'} still to change` };
      return (await extraChecks.get(outcome)?.()) ?? { ok: true, detail: 'git resolves the remote to the new URLs' };
    },
  };
}
