/** Types of scripts/patch-deps.mjs (see there). */
export interface DependencyFix {
  /** Path relative to the root. */
  file: string;
  /** Text replaced, exactly once. */
  from: string;
  /** Its replacement. */
  to: string;
}
export const FIXES: readonly DependencyFix[];
export function applyFixes(root: string, fixes?: readonly DependencyFix[]): string[];
