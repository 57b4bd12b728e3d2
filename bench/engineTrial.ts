/**
 * One timed trial of a workload on the current engine, with diagnostics off or on:
 * - off: a bare loop over the engine's own model, loss and optimizer (gradients, update, the loss
 *   read back), like the PyTorch loop; small nets take the fused JS step (engine/fused/), bigger
 *   ones with `blas` the BLAS step without its statistics;
 * - on: `runExperiment` itself, i.e. per-step norms and ratios with one read-back, histograms at
 *   their default rate, the coalescer and the DiagnosisMonitor. Timed from inside `shouldStop`,
 *   which the loop polls once per step, so set-up and the final evaluation are not counted.
 * Both stop before the first epoch boundary, so neither includes an epoch evaluation.
 */
import type { BackendPreference } from '../src/shared/protocol';
import { selectBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/load';
import { createOptimizer, type Optimizer } from '../src/engine/optimizers';
import { runExperiment } from '../src/engine/run';
import { networkProblem, type NetworkProblem } from '../src/engine/train/network';
import type { Problem } from '../src/engine/train/problem';
import { tf } from '../src/engine/tf';
import { experimentFor, mnistIdxDir, stepsPerEpoch, type Workload } from './workloads';

export interface Trial {
  steps: number;
  seconds: number;
}

const WARM_STEPS = 5;

/**
 * A workload's problem and optimizer on `backend`, as the engine builds them. `blas`: the native
 * BLAS kernels when the addon loads (selectBackend's switch); false: tfjs and JS only.
 */
export async function engineSetUp(w: Workload, backend: BackendPreference, blas: boolean) {
  const choice = await selectBackend(backend, [], blas);
  const exp = experimentFor(w);
  const ds = loadDataset(exp.data, { seed: exp.seed, baseDir: mnistIdxDir(), output: exp.model.output, warn: () => undefined });
  const problem = networkProblem(exp, ds, choice.name === 'wasm');
  const optimizer = createOptimizer(exp.optimizer);
  return { choice, exp, ds, problem, optimizer, lr: exp.optimizer.learningRate };
}

export async function bareTrial(w: Workload, backend: BackendPreference, budgetS: number, blas = false): Promise<Trial> {
  const { problem, optimizer, lr } = await engineSetUp(w, backend, blas);
  const maxSteps = stepsPerEpoch(w) - 1;
  const step = bareStep(problem, optimizer, lr);
  try {
    let s = 0;
    for (; s < WARM_STEPS; s++) step(s);
    const t0 = performance.now();
    let n = 0;
    while (s < maxSteps && (n < 5 || performance.now() - t0 < budgetS * 1000)) {
      step(s++);
      n++;
    }
    return { steps: n, seconds: (performance.now() - t0) / 1000 };
  } finally {
    optimizer.dispose();
    problem.dispose();
  }
}

export async function instrumentedTrial(w: Workload, backend: BackendPreference, budgetS: number, blas = false): Promise<Trial> {
  const exp = experimentFor(w);
  const maxSteps = stepsPerEpoch(w) - 1;
  let polls = 0;
  let t0 = 0;
  let tEnd = 0;
  let counted = 0;
  const summary = await runExperiment(exp, {
    runId: 'bench',
    source: w.id,
    baseDir: mnistIdxDir(),
    backend,
    blas,
    flushMs: 50,
    emit: () => undefined,
    shouldStop: () => {
      // Poll k happens before step k: polls after the warm-up bracket whole steps.
      const now = performance.now();
      if (polls === WARM_STEPS) t0 = now;
      polls++;
      if (polls > WARM_STEPS + 1) counted = polls - WARM_STEPS - 1;
      const done = polls > maxSteps || (counted >= 5 && now - t0 >= budgetS * 1000);
      if (done) tEnd = now;
      return done;
    },
  });
  if (summary.reason === 'error') throw new Error(`${w.id}: ${summary.message}`);
  return { steps: counted, seconds: (tEnd - t0) / 1000 };
}

/**
 * One update with no instruments: loss, gradients, optimizer step and the one read-back of the
 * loss ("diagnostics off"). Small nets take the engine's fused JS step, which is its bare loop too;
 * the BLAS step has a bare form without its statistics.
 */
export function bareStep(problem: Problem & Partial<Pick<NetworkProblem, 'bareFusedStep'>>, optimizer: Optimizer, lr: number): (s: number) => void {
  const params = problem.params;
  return (s: number) => {
    const input = { step: s, epoch: 0, lr, update: true };
    if (problem.bareFusedStep ? problem.bareFusedStep(optimizer, input) !== undefined : problem.fusedStep?.(optimizer, input)) return;
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => problem.loss(s), params);
      optimizer.step(params, params.map((p) => grads[p.name]), lr);
      return value;
    });
    loss.dataSync();
    loss.dispose();
  };
}
