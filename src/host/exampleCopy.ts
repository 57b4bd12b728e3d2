/**
 * "New Experiment from Example…" for an example with a custom model module (`model.module`, the
 * backprop exercises): the new file is untitled, so a relative module path would resolve against
 * the workspace folder, where the module is not. With a workspace folder the module is copied
 * there (it is part of the exercise: the user is meant to edit it) and the path rewritten to the
 * copy's name; without one, nothing is written and the path becomes the shipped module's absolute
 * path (the extension's own examples folder needs no outside-workspace confirmation).
 * vscode-free: the caller does the copying.
 */
import * as path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';

export interface ExampleCopyPlan {
  /** The experiment text to open, module path rewritten when there is one. */
  text: string;
  /** Files to copy (absolute paths); the target never exists yet. */
  copies: { from: string; to: string }[];
  /** The module the new experiment uses, when it has one (absolute). */
  module?: string;
}

export interface ExampleCopyFs {
  exists(p: string): boolean;
  /** True when both files hold the same bytes (an earlier copy can be reused). */
  sameContent(a: string, b: string): boolean;
}

/** `exampleText` is the file at `examplePath`; `targetDir` the folder of the new file (undefined: no workspace). */
export function planExampleCopy(exampleText: string, examplePath: string, targetDir: string | undefined, fsx: ExampleCopyFs): ExampleCopyPlan {
  const node = findNodeAtLocation(parseTree(exampleText) ?? { type: 'null', offset: 0, length: 0 }, ['model', 'module']);
  if (!node || node.type !== 'string' || typeof node.value !== 'string') return { text: exampleText, copies: [] };
  const source = path.resolve(path.dirname(examplePath), node.value);
  const splice = (v: string) => exampleText.slice(0, node.offset) + JSON.stringify(v) + exampleText.slice(node.offset + node.length);
  if (targetDir === undefined) return { text: splice(source), copies: [], module: source };
  const ext = path.extname(source);
  const stem = path.basename(source, ext);
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${stem}${ext}` : `${stem}-${i}${ext}`;
    const to = path.join(targetDir, name);
    const text = splice(`./${name}`);
    if (!fsx.exists(to)) return { text, copies: [{ from: source, to }], module: to };
    if (fsx.sameContent(source, to)) return { text, copies: [], module: to };
  }
}
