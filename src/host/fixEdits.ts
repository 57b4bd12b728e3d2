/**
 * A suggested fix as text edits of the experiment file. Built with jsonc-parser's `modify`, so
 * comments and the user's layout survive and a missing field (or parent object) is inserted.
 * vscode-free: offsets in, offsets out.
 */
import { applyEdits, modify, type Edit, type JSONPath } from 'jsonc-parser';
import type { SuggestedFix } from '../shared/protocol';
import { pointerSegments } from './jsonPointer';

/** Numeric segments address array elements (`/model/layers/0/activation`). */
function jsonPath(pointer: string): JSONPath {
  return pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Indentation of the file: the first indented line decides (2 spaces when none is). */
function indentOf(text: string): { tabSize: number; insertSpaces: boolean } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return { tabSize: 2, insertSpaces: true };
  if (m[1].startsWith('\t')) return { tabSize: 1, insertSpaces: false };
  return { tabSize: Math.min(8, m[1].length), insertSpaces: true };
}

export function fixEdits(text: string, fix: Pick<SuggestedFix, 'path' | 'value'>): Edit[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return modify(text, jsonPath(fix.path), fix.value, { formattingOptions: { ...indentOf(text), eol } });
}

export function applyFix(text: string, fix: Pick<SuggestedFix, 'path' | 'value'>): string {
  return applyEdits(text, fixEdits(text, fix));
}

/** "/model/init/bias = 0": what the fix sets, for titles and verdicts. */
export function fixAssignment(fix: Pick<SuggestedFix, 'path' | 'value'>): string {
  return `${fix.path} = ${JSON.stringify(fix.value)}`;
}

/**
 * The quick-fix title: the fix's own `title` when the engine gives one, else
 * "Set bias to 0" from the pointer's last segment.
 */
export function fixTitle(fix: SuggestedFix & { title?: unknown }): string {
  if (typeof fix.title === 'string' && fix.title.trim() !== '') return fix.title;
  const segs = pointerSegments(fix.path);
  const field = segs.length ? segs[segs.length - 1] : 'experiment';
  const n = segs.length;
  // Array elements read better with their array: layers[0].activation.
  const owner = n > 2 && /^\d+$/.test(segs[n - 2]) ? `${segs[n - 3]}[${segs[n - 2]}].` : '';
  return `Set ${owner}${field} to ${JSON.stringify(fix.value)}`;
}
