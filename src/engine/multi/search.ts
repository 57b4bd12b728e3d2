/**
 * Hyperparameter search: the trials drawn by the spec (see spec/multi.ts) run one after the other,
 * headless, and come back as a table sorted by final training loss. The best trial becomes a
 * diagnosis whose fixes set its values, so the Problems pane and the quick fixes offer it.
 */
import type { SearchSpec } from '../../shared/experiment';
import type { Diagnosis, RunSummary, SearchRecord, SearchTrialResult } from '../../shared/protocol';
import type { Experiment } from '../../shared/experiment';

export const SEARCH_CODE = 'search-best';

export async function runSearch(
  spec: SearchSpec,
  step: number,
  runOne: (e: Experiment) => Promise<RunSummary>,
  shouldStop: () => boolean,
  onTrial?: (done: number, total: number) => void,
): Promise<SearchRecord> {
  const trials: SearchTrialResult[] = [];
  for (const t of spec.trials) {
    if (shouldStop()) break;
    const s = await runOne(t.experiment);
    const loss = s.final.trainLoss;
    trials.push({ values: t.values, finalLoss: s.reason === 'completed' && loss !== null && Number.isFinite(loss) ? loss : null, reason: s.reason });
    onTrial?.(trials.length, spec.trials.length);
  }
  return { kind: 'search', step, method: spec.method, space: spec.space, trials: sortTrials(trials) };
}

/** Best first; trials without a final loss (diverged, failed) last, in their original order. */
export function sortTrials(trials: readonly SearchTrialResult[]): SearchTrialResult[] {
  return [...trials].sort((a, b) => (a.finalLoss ?? Infinity) - (b.finalLoss ?? Infinity));
}

/** The best trial as an info diagnosis: one fix per searched field. Undefined when no trial finished. */
export function bestTrialDiagnosis(r: SearchRecord, baseLoss: number | null): Diagnosis | undefined {
  const best = r.trials[0];
  if (!best || best.finalLoss === null) return undefined;
  const setting = Object.entries(best.values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
  const vs = baseLoss !== null ? ` (this run: ${baseLoss.toPrecision(3)})` : '';
  const ok = r.trials.filter((t) => t.finalLoss !== null).length;
  return {
    code: SEARCH_CODE,
    severity: 'info',
    message: `Best of ${r.trials.length} ${r.method} search trials: ${setting} reached a final training loss of ${best.finalLoss.toPrecision(3)}${vs}.`,
    step: r.step,
    path: r.space[0] ?? '/optimizer',
    evidence: { trials: r.trials.length, finished: ok, bestLoss: best.finalLoss, baseLoss },
    fixes: Object.entries(best.values).map(([path, value]) => ({
      path,
      value,
      title: `Set ${path.split('/').pop() ?? path} to ${JSON.stringify(value)}`,
      why: `the best search trial used it (final loss ${best.finalLoss?.toPrecision(3)})`,
    })),
  };
}
