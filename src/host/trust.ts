/**
 * Workspace-trust guard: an experiment with `model.module` would run user JavaScript, which is
 * refused in untrusted workspaces. Checked on the raw text because validation may drop fields
 * it does not know.
 */
import { parse } from 'jsonc-parser';

export function usesCustomModule(text: string): boolean {
  const v: unknown = parse(text, [], { allowTrailingComma: true });
  if (typeof v !== 'object' || v === null) return false;
  const model = (v as { model?: unknown }).model;
  return typeof model === 'object' && model !== null && 'module' in model && (model as { module?: unknown }).module != null;
}
