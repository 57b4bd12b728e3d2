/**
 * A compare group as the panel sees it: the runs that share the active run's groupId (base
 * first), and the latest probe of a kind among them. DOM-free.
 */
import type { LandscapeRecord, LrFindRecord, ProbeRecord, RestartsRecord, SearchRecord } from '../../src/shared/protocol';
import type { RunData } from '../store';

/** The active run's group in variant order; just the run itself when it has no group. */
export function groupOf(run: RunData, all: readonly RunData[]): RunData[] {
  const id = run.info.groupId;
  if (id === undefined) return [run];
  const members = all.filter((r) => r.info.groupId === id);
  return members.sort((a, b) => (a.info.variantIndex ?? 0) - (b.info.variantIndex ?? 0));
}

export function label(run: RunData): string {
  return run.info.variant ?? run.info.optimizer;
}

type ProbeOf<K extends ProbeRecord['kind']> = Extract<ProbeRecord, { kind: K }>;

/** The last probe of `kind` over the runs, in order (a later run's refresh wins). */
export function lastProbe<K extends ProbeRecord['kind']>(runs: readonly RunData[], kind: K): ProbeOf<K> | undefined {
  let found: ProbeOf<K> | undefined;
  for (const r of runs) for (const p of r.probes) if (p.kind === kind) found = p as ProbeOf<K>;
  return found;
}

export type { LandscapeRecord, LrFindRecord, RestartsRecord, SearchRecord };
