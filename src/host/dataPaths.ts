/**
 * Files an experiment makes the worker read (CSV, IDX, a custom model module) must lie inside
 * the workspace, or the user is asked first: an experiment file from elsewhere (a download, a
 * repository) must not quietly read `~/.ssh/…` and show parts of it in error messages or charts.
 * Symbolic links are resolved, so a link inside the workspace to a file outside counts as
 * outside. vscode-free: the host passes the roots and asks the question.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { Experiment } from '../shared/experiment';

export interface ReferencedPath {
  /** JSON pointer of the field that names the file. */
  pointer: string;
  /** As written in the experiment. */
  given: string;
  /** Absolute, symbolic links resolved when the file exists. */
  resolved: string;
}

export function referencedPaths(exp: Experiment, baseDir: string): ReferencedPath[] {
  const out: Array<[string, string]> = [];
  if (exp.kind === 'network') {
    const d = exp.data;
    if (d.kind === 'csv') out.push(['/data/csv', d.csv]);
    if (d.kind === 'idx') out.push(['/data/idx/images', d.idx.images], ['/data/idx/labels', d.idx.labels]);
    // `model.module` is optional and may not be in this build's types: read it loosely.
    const module = (exp.model as { module?: unknown }).module;
    if (typeof module === 'string') out.push(['/model/module', module]);
  }
  return out.map(([pointer, given]) => ({ pointer, given, resolved: realOrResolved(path.resolve(baseDir, given)) }));
}

/** The referenced files outside every root (roots: workspace folders, or the experiment's folder). */
export function pathsOutside(exp: Experiment, baseDir: string, roots: readonly string[]): ReferencedPath[] {
  const realRoots = roots.map((r) => realOrResolved(path.resolve(r)));
  return referencedPaths(exp, baseDir).filter((p) => !realRoots.some((root) => isInside(root, p.resolved)));
}

export function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of the file, or of its nearest existing ancestor (a missing file cannot be a link). */
function realOrResolved(p: string): string {
  let cur = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}
