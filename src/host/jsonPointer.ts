/**
 * Where a JSON pointer (`/optimizer/learningRate`) sits in an experiment file's text, so spec
 * problems can be underlined on the field itself. vscode-free: offsets, not ranges.
 */
import { findNodeAtLocation, parseTree, type Node, type Segment } from 'jsonc-parser';

export interface TextSpan {
  offset: number;
  length: number;
  /** The pointer itself was found (not an ancestor, not the fallback). */
  exact: boolean;
}

/** RFC 6901: `~1` is `/`, `~0` is `~`; array indices become numbers. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolve(root: Node, segs: string[]): Node | undefined {
  const path: Segment[] = [];
  let node: Node | undefined = root;
  for (const s of segs) {
    if (!node) return undefined;
    path.push(node.type === 'array' && /^\d+$/.test(s) ? Number(s) : s);
    node = findNodeAtLocation(root, path);
  }
  return node;
}

/** The span of the first line (non-empty), the place for problems that concern the whole file. */
export function firstLineSpan(text: string): TextSpan {
  const end = text.indexOf('\n');
  const line = end < 0 ? text : text.slice(0, end);
  return { offset: 0, length: line.replace(/\r$/, '').length, exact: false };
}

/**
 * The value at `pointer`; if it does not exist (a missing field), the key of its nearest
 * existing ancestor property; for the root or text that does not parse, the first line.
 */
export function locatePointer(text: string, pointer: string): TextSpan {
  const root = parseTree(text);
  const segs = pointerSegments(pointer);
  if (!root || segs.length === 0) return firstLineSpan(text);
  const exact = resolve(root, segs);
  if (exact) return { offset: exact.offset, length: exact.length, exact: true };
  for (let n = segs.length - 1; n > 0; n--) {
    const anc = resolve(root, segs.slice(0, n));
    if (!anc) continue;
    const key = anc.parent?.type === 'property' ? anc.parent.children?.[0] : undefined;
    const target = key ?? anc;
    return { offset: target.offset, length: target.length, exact: false };
  }
  return firstLineSpan(text);
}
