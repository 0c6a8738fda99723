import type { FixId } from '../../../app/contract/report.js';
import { FIXES } from '../../../app/fix/registry.js';

/** Why a flow cannot run yet: the fixes it walks through that this build cannot apply, or null. */
export function missingFixesReason(ids: FixId[]): string | null {
  const missing = ids.filter((id) => !FIXES.has(id));
  return missing.length > 0 ? `this build cannot apply ${missing.join(', ')} yet` : null;
}
