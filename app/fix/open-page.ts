import type { EngineContext } from '../context.js';
import type { FixId } from '../contract/report.js';
import { fixPlan, type Fix, type FixScope } from './types.js';

/** A page to open and what to do there; or why this page does not apply. */
export type PagePlan = { url: string | null; manualSteps: string[]; details?: string[] } | { reason: string };

/**
 * A fix that changes nothing: it names a Bitbucket page and the steps to take there. The app's
 * main process opens the URL; the CLI prints it. Applying it again is the same no-op.
 */
export function pageFix(id: FixId, plan: (ctx: EngineContext, scope: FixScope) => Promise<PagePlan>): Fix {
  return {
    id,
    async describe(ctx, scope) {
      const page = await plan(ctx, scope);
      if ('reason' in page) return fixPlan(id, { applicable: false, reason: page.reason });
      return fixPlan(id, { applicable: true, url: page.url, manualSteps: page.manualSteps, details: page.details ?? [] });
    },
    async inEffect() {
      return { inEffect: false };
    },
    async apply(ctx, scope) {
      const page = await plan(ctx, scope);
      if ('reason' in page) throw new Error(page.reason);
      return page.url ? { message: `Open ${page.url} and follow the steps.`, url: page.url } : { message: page.manualSteps[0] ?? 'Nothing to open.' };
    },
    async verify() {
      return { ok: true, detail: 'nothing was changed' };
    },
  };
}
