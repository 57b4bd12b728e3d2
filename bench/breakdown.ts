/**
 * `npm run bench -- --breakdown`: what "diagnostics on" costs over a bare step, per component,
 * amortized over a whole run at the default collection frequency. Each component is timed by
 * itself in one process (so machine load hits the bare step and the component alike):
 * - step statistics: the work trainStep adds to a bare step, timed by itself (medians);
 * - histograms, symmetry snapshots, curvature estimates: timed calls × calls per run ÷ steps;
 * - the coalescer and the diagnosis monitor: a whole run's records (the measured ones replayed,
 *   with epoch and histogram records at their rates) fed in 50 ms batches at the measured rate.
 * Epoch evaluations are left out, as in the steps/s table.
 */
import type { BackendPreference, MetricsBatch, RunInfo, StepRecord } from '../src/shared/protocol';
import { DiagnosisMonitor } from '../src/diagnose/monitor';
import { selectBackend } from '../src/engine/backend';
import { Coalescer } from '../src/engine/coalescer';
import { loadDataset } from '../src/engine/data/load';
import { CurvatureProbe } from '../src/engine/instruments/curvature';
import { BUDGET_MIN_PARAMS, cadence, CURVATURE_BUDGET, instrumentPlan, SYMMETRY_BUDGET, TimeBudget } from '../src/engine/instruments/schedule';
import { symmetryProbe } from '../src/engine/instruments/symmetry';
import { createOptimizer } from '../src/engine/optimizers';
import { streamFor } from '../src/engine/random';
import { tf } from '../src/engine/tf';
import { networkProblem } from '../src/engine/train/network';
import { trainStep } from '../src/engine/train/step';
import { stepSums, type StepSums } from '../src/engine/fused/heapStats';
import { bareStep } from './engineTrial';
import { fmt, median } from './stats';
import { experimentFor, mnistIdxDir, stepsPerEpoch, type Workload } from './workloads';

export interface Component {
  name: string;
  /** Milliseconds per call (per step for the per-step components). */
  msPerCall: number;
  callsPerRun: number;
  /** Amortized milliseconds per training step. */
  msPerStep: number;
}

export interface Breakdown {
  bareMsPerStep: number;
  totalSteps: number;
  components: Component[];
}

const BLOCK = 8;

/** Median time of `n` calls of `f`, in ms. */
function timedMedian(n: number, f: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

export async function breakdown(w: Workload, backend: BackendPreference, budgetS: number): Promise<Breakdown> {
  const choice = await selectBackend(backend);
  const exp = experimentFor(w);
  const ds = loadDataset(exp.data, { seed: exp.seed, baseDir: mnistIdxDir(), output: exp.model.output, warn: () => undefined });
  const problem = networkProblem(exp, ds, choice.name === 'wasm');
  const optimizer = createOptimizer(exp.optimizer);
  const lr = exp.optimizer.learningRate;
  const params = problem.params;
  const total = problem.totalSteps;
  const spe = stepsPerEpoch(w);
  const bare = bareStep(problem, optimizer, lr);
  const records: StepRecord[] = [];
  const full = (s: number) => records.push(trainStep(problem, optimizer, { step: s, epoch: 0, lr, update: true }));
  const components: Component[] = [];
  try {
    let s = 0;
    for (; s < 5; s++) full(s);
    // The bare step: medians of blocks (a load spike hits one block, not the figure).
    const bareMs: number[] = [];
    const t0 = performance.now();
    while (s + BLOCK < spe - 1 && (bareMs.length < 6 || performance.now() - t0 < budgetS * 1000)) {
      const t = performance.now();
      for (let k = 0; k < BLOCK; k++) bare(s++);
      bareMs.push((performance.now() - t) / BLOCK);
    }
    const bareMsPerStep = median(bareMs);
    // What trainStep adds to a bare step: a clone of θ_t (shared data) and one pass per parameter
    // (train/step.ts). Timed by itself: an A/B of whole steps drowns 0.05 ms in the steps' noise.
    const sums: StepSums = { grad: 0, diff: 0, before: 0 };
    const statsMs = timedMedian(200, () =>
      tf.tidy(() => {
        const before = params.map((p) => p.clone());
        params.forEach((p, i) => stepSums(before[i], p, before[i], sums));
      }),
    );
    // Small nets: the fused step computes its statistics in the bare loop too (engine/fused/).
    const fused = problem.fusedStep?.(optimizer, { step: s, epoch: 0, lr, update: false }) !== undefined;
    const stats = fused ? 0 : statsMs;
    components.push({ name: fused ? 'step statistics (inside the fused step)' : 'step statistics (norms, update ratios)', msPerCall: stats, callsPerRun: total, msPerStep: stats });
    full(s++);

    const plan = instrumentPlan(exp, problem);
    const timed = (n: number, f: (i: number) => void): number => {
      f(-1); // warm-up: first calls compile kernels and allocate
      const t = performance.now();
      for (let i = 0; i < n; i++) f(i);
      return (performance.now() - t) / n;
    };
    const add = (name: string, msPerCall: number, callsPerRun: number) =>
      components.push({ name, msPerCall, callsPerRun, msPerStep: (msPerCall * callsPerRun) / total });
    add('activation histograms', timed(5, (i) => problem.histograms?.(s + i)), plan.histograms);
    // The planned calls (+ the final one) that the run's time budget lets through at this cost.
    const allowed = (share: number, planned: number, ms: number): number => {
      const perStep = bareMsPerStep + components.reduce((a, c) => a + c.msPerStep, 0);
      const budget = problem.paramCount >= BUDGET_MIN_PARAMS ? new TimeBudget(share) : undefined;
      let calls = 0;
      for (const at of [...cadence(total, planned - 1), total]) {
        if (budget && !budget.affordable(at * perStep + calls * ms)) continue;
        budget?.spend(ms);
        calls++;
      }
      return calls;
    };
    if (plan.symmetry > 0) {
      const ms = timed(3, (i) => symmetryProbe(params, s + i));
      const calls = allowed(SYMMETRY_BUDGET, plan.symmetry, ms);
      add(`symmetry + weights snapshot, ${calls} of ${plan.symmetry} planned`, ms, calls);
    }
    if (plan.curvature > 0) {
      const probe = new CurvatureProbe(problem, streamFor(exp.seed, 'curvature'));
      const ms = timed(2, (i) => probe.measure(s + i, 0));
      const calls = allowed(CURVATURE_BUDGET, plan.curvature, ms);
      add(`curvature (Hessian eigenvalues), ${calls} of ${plan.curvature} planned`, ms, calls);
      probe.dispose();
    }

    // Coalescer + monitor over a whole run's worth of records at the measured "on" rate.
    const onMs = bareMsPerStep + components.reduce((a, c) => a + c.msPerStep, 0);
    const hists = problem.histograms?.(s) ?? [];
    const info: RunInfo = {
      runId: 'bench', name: w.id, source: w.id, kind: 'network', optimizer: exp.optimizer.name, backend: choice,
      paramCount: problem.paramCount, totalSteps: total, layers: problem.layerLabels, startedAt: Date.now(), trainSize: ds.nTrain,
    };
    const monitor = new DiagnosisMonitor(exp, info);
    let clock = 0;
    let monitorMs = 0;
    const coalescer = new Coalescer(50, (b: MetricsBatch) => {
      const t = performance.now();
      monitor.ingest(b);
      monitorMs += performance.now() - t;
    }, () => clock);
    const t1 = performance.now();
    for (let k = 0; k < total; k++) {
      const r = records[k % records.length];
      coalescer.step({ ...r, step: k, epoch: Math.floor(k / spe) });
      if (k % plan.histogramEvery === 0) coalescer.histograms(hists.map((h) => ({ ...h, step: k })));
      if ((k + 1) % spe === 0) coalescer.epoch({ epoch: Math.floor(k / spe), step: k + 1, trainLoss: r.loss, trainAccuracy: 0.1 });
      clock += onMs;
    }
    coalescer.flush();
    const feedMs = performance.now() - t1 - monitorMs;
    add('diagnosis monitor (detectors)', monitorMs / total, total);
    add('coalescer (records, batches)', feedMs / total, total);
    return { bareMsPerStep, totalSteps: total, components };
  } finally {
    optimizer.dispose();
    problem.dispose();
  }
}

export function breakdownRows(id: string, b: Breakdown): string[][] {
  const rows = [[id, `bare step ${b.bareMsPerStep.toFixed(3)} ms`, '', '', '']];
  let sum = 0;
  for (const c of b.components) {
    sum += c.msPerStep;
    rows.push([`  ${c.name}`, c.msPerCall.toFixed(3), fmt(c.callsPerRun), c.msPerStep.toFixed(4), `${fmt((100 * c.msPerStep) / b.bareMsPerStep, 1)} %`]);
  }
  rows.push(['  total diagnostics', '', '', sum.toFixed(4), `${fmt((100 * sum) / b.bareMsPerStep, 1)} %`]);
  return rows;
}
