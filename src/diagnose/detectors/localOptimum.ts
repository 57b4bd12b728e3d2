import type { Detector, DetectorContext, Finding } from '../detector';
import { fmt } from '../stats';

/**
 * `local-optimum`: restarts from other seeds (`training.restarts`) end at clearly different losses
 * (recap: "local optima: (hard) → random restarts").
 *
 * Holds when the worst final training loss exceeds the best by more than SPREAD of the starting
 * loss (a difference that matters on the run's own scale) and by a factor RATIO (so two nearly
 * converged runs at 1e-3 and 3e-3 do not count). Different seeds of a healthy run end within a few
 * percent of each other; a run stuck in a poorer basin (XOR with two hidden units, a network that
 * lost most of its units) ends at a multiple of the best. Restarts that failed are left out.
 */
const SPREAD = 0.1;
const RATIO = 1.5;

export class LocalOptimumDetector implements Detector {
  readonly code = 'local-optimum';
  readonly supersededBy = ['divergence'];

  check(ctx: DetectorContext): Finding | undefined {
    const r = ctx.series.restarts;
    if (!r) return undefined;
    const runs = r.finalLosses.map((l, i) => ({ loss: l, seed: r.seeds[i] })).filter((x): x is { loss: number; seed: number } => x.loss !== null && Number.isFinite(x.loss));
    if (runs.length < 2) return undefined;
    const s = ctx.series;
    const start = Math.abs(s.initialLoss());
    const best = runs.reduce((a, b) => (b.loss < a.loss ? b : a));
    const worst = runs.reduce((a, b) => (b.loss > a.loss ? b : a));
    const spread = worst.loss - best.loss;
    if (!(spread > SPREAD * start && worst.loss > RATIO * Math.max(best.loss, 1e-12))) return undefined;
    const main = runs[0];
    const stuck = runs.filter((x) => x.loss > RATIO * best.loss && x.loss - best.loss > SPREAD * start).length;
    return {
      severity: 'warning',
      message: `Local optimum: ${runs.length} runs from different ${ctx.experiment.kind === 'objective' ? 'starting points' : 'seeds'} ended at training losses from ${fmt(best.loss)} to ${fmt(worst.loss)}; ${stuck} of them stopped in a clearly worse optimum${main.seed === best.seed ? '' : ` (this run: ${fmt(main.loss)})`}. Restart from several random initializations and keep the best.`,
      path: '/seed',
      evidence: { finalLosses: runs.map((x) => x.loss), seeds: runs.map((x) => x.seed), bestLoss: best.loss, worstLoss: worst.loss, spread, initialLoss: start, stuckRuns: stuck },
      fixes: [{ path: '/seed', value: best.seed, title: `Use seed ${best.seed} (lowest final loss ${fmt(best.loss)})`, why: 'Random restarts: keep the initialization that reached the best optimum.' }],
    };
  }
}
