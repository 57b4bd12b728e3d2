/**
 * Comparing two curvature probes (an ArrayGradients one against the tfjs oracle) while training:
 * what curvatureBlas and curvatureSmall tests share.
 */
import type { NetworkExperiment } from '../../../src/shared/experiment';
import type { CurvatureRecord } from '../../../src/shared/protocol';
import { CurvatureProbe } from '../../../src/engine/instruments/curvature';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import type { NetworkProblem } from '../../../src/engine/train/network';
import { trainStep } from '../../../src/engine/train/step';

/** |a − b| over a scale, the largest over the record's numbers (the eigenvalues on λ_max's scale). */
export function worst(a: CurvatureRecord, b: CurvatureRecord): { lambda: number; gradNorm: number; loss: number } {
  const scale = Math.max(Math.abs(b.lambdaMax), Math.abs(b.lambdaMin), 1e-12);
  return {
    lambda: Math.max(Math.abs(a.lambdaMax - b.lambdaMax), Math.abs(a.lambdaMin - b.lambdaMin)) / scale,
    gradNorm: Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm,
    loss: Math.abs(a.loss - b.loss) / Math.abs(b.loss),
  };
}

/** Curvature records at steps 0, 8 and 16 (three warm-started calls, each on that step's batch) while training. */
export function curvatureSeries(problem: NetworkProblem, exp: NetworkExperiment): CurvatureRecord[] {
  const opt = createOptimizer(exp.optimizer);
  const probe = new CurvatureProbe(problem, new Rng(5));
  const out: CurvatureRecord[] = [];
  try {
    for (let k = 0; k <= 16; k++) {
      if (k % 8 === 0) out.push(probe.measure(k, k % problem.stepsPerEpoch));
      trainStep(problem, opt, { step: k, epoch: 0, lr: exp.optimizer.learningRate, update: true });
    }
    return out;
  } finally {
    probe.dispose();
    opt.dispose();
  }
}
