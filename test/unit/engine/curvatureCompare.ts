/**
 * Comparing two curvature probes (an ArrayGradients one against the tfjs oracle) while training:
 * what curvatureBlas and curvatureSmall tests share.
 */
import * as assert from 'node:assert/strict';
import type { NetworkExperiment } from '../../../src/shared/experiment';
import type { CurvatureRecord } from '../../../src/shared/protocol';
import { CurvatureProbe } from '../../../src/engine/instruments/curvature';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
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

/**
 * An instrument assigns θ₀ back (as the gradient check's restore or the landscape does): a probe
 * on the trained problem then measures there, as a fresh probe on the untrained twin does; and a
 * fresh probe from the same start vectors gives the same estimate. Disposes `untrained`.
 */
export function assertProbeReadsAssignedTheta(untrained: NetworkProblem, trained: NetworkProblem): void {
  const theta0 = untrained.params.map((p) => p.dataSync().slice());
  const first = new CurvatureProbe(untrained, new Rng(5));
  const atStart = first.measure(0, 0);
  const late = new CurvatureProbe(trained, new Rng(5));
  const atEnd = late.measure(20, 0);
  tf.tidy(() => trained.params.forEach((v, i) => v.assign(tf.tensor(theta0[i], v.shape))));
  const warm = late.measure(21, 0);
  assert.ok(Math.abs(atEnd.loss - atStart.loss) > 1e-3, `training moved the loss (${atStart.loss} → ${atEnd.loss})`);
  assert.deepEqual([warm.loss, warm.gradNorm], [atStart.loss, atStart.gradNorm], 'the probe reads the assigned θ₀');
  const cold = new CurvatureProbe(trained, new Rng(5));
  assert.deepEqual(cold.measure(0, 0), atStart, 'from the same start vectors: the same estimate');
  for (const p of [first, late, cold]) p.dispose();
  untrained.dispose();
}
