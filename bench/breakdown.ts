/**
 * `npm run bench -- --breakdown`: what "diagnostics on" costs over a bare step, per component,
 * amortized over a whole run at the default collection frequency, on the step the engine takes
 * (the native BLAS step when the addon loads; OPTIMIZER_DEBUGGER_BLAS=off for tfjs alone). Each
 * component is timed by itself in one process (so machine load hits the bare step and the
 * component alike):
 * - step statistics: on tfjs, the work trainStep adds to a bare step, timed by itself (medians);
 *   on the BLAS step, the full step less the bare one, on twin problems (same seed and data, one
 *   stepping full and one bare, blocks alternating; medians of pairs) so the full one never pays
 *   the Σθ² pre-pass a bare step would leave it, which is timed as its own once-per-run row;
 * - histograms, symmetry snapshots, curvature estimates: time per call (with the step after it,
 *   less a step: the BLAS step writes θ to tfjs before a call and re-reads it after a probe moved
 *   it) × the calls the run makes, found by replaying the engine's own cadences and budgets
 *   (instruments/schedule.ts) over the run's steps at the measured step time;
 * - the coalescer and the diagnosis monitor: a whole run's records (the measured ones replayed,
 *   with epoch and histogram records at their steps) fed in 50 ms batches at the measured rate.
 * Costs that every run pays once whatever its length are rows of their own, summed apart: the
 * curvature estimate at θ₀ (cold: random start vectors, code not yet compiled), compiling the
 * monitor's code in a new worker (its run in a fresh process less its run compiled) and the BLAS
 * step's first Σθ² pre-pass. "Per step" totals the rest; the second total adds the once-per-run
 * costs amortized over this run, so it falls with the run's length.
 * Epoch evaluations are left out, as in the steps/s table.
 */
import type { BackendPreference, MetricsBatch, RunInfo, StepRecord } from '../src/shared/protocol';
import { Coalescer } from '../src/engine/coalescer';
import { CurvatureProbe } from '../src/engine/instruments/curvature';
import { type Cadence, instrumentCadences } from '../src/engine/instruments/schedule';
import { symmetryProbe } from '../src/engine/instruments/symmetry';
import { createOptimizer } from '../src/engine/optimizers';
import { streamFor } from '../src/engine/random';
import { tf } from '../src/engine/tf';
import { networkProblem } from '../src/engine/train/network';
import { trainStep } from '../src/engine/train/step';
import { shareData, stepSums, type StepSums } from '../src/engine/fused/heapStats';
import { bareStep, engineSetUp } from './engineTrial';
import { coldReplay, type MonitorFeed, type MonitorTiming, replayMonitor } from './monitorReplay';
import { fmt, median } from './stats';
import { stepsPerEpoch, type Workload } from './workloads';

export interface Component {
  name: string;
  /** Milliseconds per call (per step for the per-step components). */
  msPerCall: number;
  callsPerRun: number;
  /** Amortized milliseconds per training step. */
  msPerStep: number;
  /** Paid once per run whatever its length (amortized here over this run), not per step. */
  once?: boolean;
}

export interface Breakdown {
  /** The step the engine takes: 'tfjs', 'blas' (native BLAS) or 'js' (the fused small-net step). */
  path: string;
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

/**
 * The steps in [0, total] at which `c` lets calls through, with steps of `stepMs` (the engine's
 * rules); `callMs`: every call's cost, or the i-th call's.
 */
function replay(c: Cadence | undefined, total: number, stepMs: number, callMs: number | ((i: number) => number)): number[] {
  const at: number[] = [];
  if (!c) return at;
  for (let k = 0; k <= total; k++) {
    if (c.due(k, k === total, k * stepMs)) {
      c.spend(typeof callMs === 'number' ? callMs : callMs(at.length));
      at.push(k);
    }
  }
  return at;
}

/** `blas`: the native BLAS kernels when the addon loads (selectBackend's switch); false: tfjs and JS only. */
export async function breakdown(w: Workload, backend: BackendPreference, budgetS: number, blas = true): Promise<Breakdown> {
  const { choice, exp, ds, problem, optimizer, lr } = await engineSetUp(w, backend, blas);
  const total = problem.totalSteps;
  const spe = stepsPerEpoch(w);
  const bare = bareStep(problem, optimizer, lr);
  // The bare side of the BLAS step's A/B: a twin problem (same seed, same data, same steps), so the
  // instrumented one never takes a bare step, which would leave θ unchecked and make its next full
  // step pay the Σθ² pre-pass that a real run pays only at its first step and after a reassignment.
  const twin = problem.stepPath === 'blas' ? networkProblem(exp, ds, choice.name === 'wasm') : undefined;
  const twinOptimizer = twin ? createOptimizer(exp.optimizer) : undefined;
  const records: StepRecord[] = [];
  // Steps stay in the first epoch (no evaluation in a bare loop either); the data wraps around.
  let s = 0;
  const next = () => s++ % (spe - 1);
  const at = (k: number) => ({ step: k % (spe - 1), epoch: 0, lr, update: true });
  const full = () => {
    const r = trainStep(problem, optimizer, { step: next(), epoch: 0, lr, update: true });
    records.push(r);
    return r;
  };
  const components: Component[] = [];
  try {
    const path = problem.stepPath;
    let bareMsPerStep: number;
    let stats = 0;
    let statsName = 'step statistics (inside the fused step)';
    let prePass: number | undefined;
    if (twin && twinOptimizer) {
      // Full steps on `problem`, bare ones on `twin`, over the same batches in blocks, the order
      // alternating pair by pair (drift hits both sides alike); both start from the same θ and take
      // the same updates, so they do the same arithmetic (down to subnormal moments).
      const fullBlock = (from: number) => {
        for (let k = 0; k < BLOCK; k++) records.push(trainStep(problem, optimizer, at(from + k)));
      };
      const bareBlock = (from: number) => {
        for (let k = 0; k < BLOCK; k++) twin.bareFusedStep(twinOptimizer, at(from + k));
      };
      const timed = (f: (from: number) => void, from: number) => {
        const t = performance.now();
        f(from);
        return (performance.now() - t) / BLOCK;
      };
      fullBlock(0);
      bareBlock(0);
      const bareMs: number[] = [];
      const diffs: number[] = [];
      let pairs = 0;
      const t1 = performance.now();
      // The difference is a few µs of a 0.3 ms step: 0.5 s of pairs left its median ±5 µs from run
      // to run, 2 s about ±1.5 µs.
      const pairsMs = Math.max(2, budgetS) * 1000;
      for (let pair = 1; pair <= 20 || (performance.now() - t1 < pairsMs && pair <= 1000); pair++) {
        const from = pair * BLOCK;
        let f: number;
        let b: number;
        if (pair % 2) {
          f = timed(fullBlock, from);
          b = timed(bareBlock, from);
        } else {
          b = timed(bareBlock, from);
          f = timed(fullBlock, from);
        }
        bareMs.push(b);
        diffs.push(f - b);
        pairs = pair;
      }
      s = (pairs + 1) * BLOCK;
      bareMsPerStep = median(bareMs);
      stats = Math.max(0, median(diffs));
      statsName = 'step statistics (in the SIMD update pass: full − bare BLAS step, twin problems)';
      // What a real run pays once at its first step and again after anything assigns the Variables
      // (an instrument's share of it is already in that instrument's per-call figure below): the
      // re-read of θ and the Σθ² pre-pass. A full step after a same-value assignment less a full step.
      const params = problem.params;
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) {
        // New data for the same values, as an instrument's assign() leaves (clone() would share the data).
        tf.tidy(() => params.forEach((p) => p.assign(tf.tensor(p.dataSync(), p.shape))));
        let t = performance.now();
        full();
        const after = performance.now() - t;
        t = performance.now();
        full();
        ms.push(after - (performance.now() - t));
      }
      prePass = Math.max(0, median(ms));
    } else {
      for (let k = 0; k < 5; k++) full();
      // The bare step: medians of blocks (a load spike hits one block, not the figure).
      const bareMs: number[] = [];
      const t0 = performance.now();
      while (bareMs.length < 6 || (performance.now() - t0 < budgetS * 1000 && bareMs.length < 200)) {
        const t = performance.now();
        for (let k = 0; k < BLOCK; k++) bare(next());
        bareMs.push((performance.now() - t) / BLOCK);
      }
      bareMsPerStep = median(bareMs);
    }
    if (path === 'tfjs') {
      // What trainStep adds to a bare step: tensors sharing θ_t's data and one pass per parameter
      // (train/step.ts). Timed by itself: an A/B of whole steps drowns 0.05 ms in the steps' noise.
      const params = problem.params;
      const sums: StepSums = { grad: 0, diff: 0, before: 0 };
      stats = timedMedian(200, () =>
        tf.tidy(() => {
          const before = params.map(shareData);
          params.forEach((p, i) => stepSums(before[i], p, before[i], sums));
        }),
      );
      statsName = 'step statistics (norms, update ratios)';
    }
    components.push({ name: statsName, msPerCall: stats, callsPerRun: total, msPerStep: stats });
    if (prePass !== undefined) {
      components.push({ name: 'θ re-read + Σθ² pre-pass (once per run, see bench/README.md)', msPerCall: prePass, callsPerRun: 1, msPerStep: prePass / total, once: true });
    }
    // What trainStep takes: the instruments' budgets are shares of it.
    const stepMs = bareMsPerStep + stats;

    const add = (name: string, msPerCall: number, callsPerRun: number) =>
      components.push({ name, msPerCall, callsPerRun, msPerStep: (msPerCall * callsPerRun) / total });
    // A call and the step after it, less a step; perCall: the median of n after one warm-up call
    // (kernels compile, buffers allocate).
    const callMs = (f: () => void): number => {
      let t = performance.now();
      f();
      full();
      const withCall = performance.now() - t;
      t = performance.now();
      full();
      return withCall - (performance.now() - t);
    };
    const perCall = (n: number, f: () => void): number => {
      f();
      full();
      const ms: number[] = [];
      for (let i = 0; i < n; i++) ms.push(callMs(f));
      return Math.max(0, median(ms));
    };
    const plan = instrumentCadences(exp, problem);
    let histogramSteps: number[] = [];
    if (plan.histograms) {
      const ms = perCall(7, () => problem.histograms?.(s));
      histogramSteps = replay(plan.histograms, total, stepMs, ms);
      add(`activation histograms, ${histogramSteps.length} of ${plan.histograms.plannedCalls} planned`, ms, histogramSteps.length);
    }
    if (plan.symmetry) {
      const ms = perCall(5, () => symmetryProbe(problem.params, s));
      const calls = replay(plan.symmetry, total, stepMs, ms).length;
      add(`symmetry + weights snapshot, ${calls} of ${plan.symmetry.plannedCalls} planned`, ms, calls);
    }
    if (plan.curvature) {
      const probe = new CurvatureProbe(problem, streamFor(exp.seed, 'curvature'));
      // As a run makes them: the first call cold (random start vectors: every iteration, and code
      // the JIT has not compiled), the later ones warm-started after a planned interval of training,
      // which they stop early once settled; a call right after another is settled already and
      // would look cheaper than in a run. Each: the call and the step after it, less a step.
      const one = () => Math.max(0, callMs(() => probe.measure(s, 0)));
      const cold = one();
      const gap = Math.max(1, Math.round(total / plan.curvature.plannedCalls));
      const warmMs: number[] = [];
      for (let k = 0; k < 4; k++) {
        const t0 = performance.now();
        for (let i = 0; i < gap && performance.now() - t0 < 500; i++) full();
        warmMs.push(one());
      }
      const warm = median(warmMs);
      const calls = replay(plan.curvature, total, stepMs, (i) => (i === 0 ? cold : warm)).length;
      // The first call, at θ₀, is made by every run whatever its length (schedule.ts CURVATURE_MIN).
      components.push({ name: 'curvature at θ₀ (cold; every run makes it)', msPerCall: cold, callsPerRun: 1, msPerStep: cold / total, once: true });
      if (calls > 1) add(`curvature (Hessian eigenvalues), ${calls - 1} more of ${plan.curvature.plannedCalls} planned`, warm, calls - 1);
      probe.dispose();
    }

    // Coalescer + monitor over a whole run's worth of records at the measured "on" rate.
    const onMs = bareMsPerStep + components.reduce((a, c) => a + c.msPerStep, 0);
    const hists = problem.histograms?.(s) ?? [];
    const histogramAt = new Set(histogramSteps);
    const info: RunInfo = {
      runId: 'bench', name: w.id, source: w.id, kind: 'network', optimizer: exp.optimizer.name, backend: choice,
      paramCount: problem.paramCount, totalSteps: total, layers: problem.layerLabels, startedAt: Date.now(), trainSize: ds.nTrain,
    };
    // The batches as the coalescer emits them, each with the step time run by then (the engine
    // paces the checks of large nets by it: src/engine/run.ts).
    let stepClock = 0;
    const feed: MonitorFeed = { exp, info, paramCount: problem.paramCount, batches: [] };
    let clock = 0;
    const coalescer = new Coalescer(50, (b: MetricsBatch) => feed.batches.push({ stepMs: stepClock, batch: b }), () => clock);
    const t2 = performance.now();
    for (let k = 0; k < total; k++) {
      const r = records[k % records.length];
      stepClock += stepMs;
      coalescer.step({ ...r, step: k, epoch: Math.floor(k / spe) });
      if (histogramAt.has(k)) coalescer.histograms(hists.map((h) => ({ ...h, step: k })));
      if ((k + 1) % spe === 0) coalescer.epoch({ epoch: Math.floor(k / spe), step: k + 1, trainLoss: r.loss, trainAccuracy: 0.1 });
      clock += onMs;
    }
    coalescer.flush();
    const feedMs = performance.now() - t2;
    // Compiled: replayed here until V8 has optimized the detectors (it takes ~10 runs' worth of
    // records on the tiny net), the least of the last 3 of up to 16 replays. Cold: a fresh process,
    // as each run's new worker; the difference is what compiling the code costs a run, once.
    const replays: MonitorTiming[] = [];
    const settled = () => {
      const last = replays.slice(-4).map((r) => r.ms);
      return last.length === 4 && Math.max(...last) <= 1.15 * Math.min(...last);
    };
    while (replays.length < 16 && !settled()) replays.push(replayMonitor(feed));
    const warm = replays.slice(-3).reduce((a, b) => (b.ms < a.ms ? b : a));
    add(`diagnosis monitor (detectors), ${warm.checks} checks, compiled`, warm.ms / total, total);
    add('coalescer (records, batches)', feedMs / total, total);
    const cold = coldReplay(feed);
    if (cold) {
      components.push({
        name: `diagnosis monitor: compiling its code in a new worker (cold − compiled run, ${cold.checks} checks)`,
        msPerCall: Math.max(0, cold.ms - warm.ms),
        callsPerRun: 1,
        msPerStep: Math.max(0, cold.ms - warm.ms) / total,
        once: true,
      });
    }
    return { path, bareMsPerStep, totalSteps: total, components };
  } finally {
    optimizer.dispose();
    problem.dispose();
    twinOptimizer?.dispose();
    twin?.dispose();
  }
}

export function breakdownRows(id: string, b: Breakdown): string[][] {
  const rows = [[`${id} (${b.path} step)`, `bare step ${b.bareMsPerStep.toFixed(3)} ms`, '', '', '']];
  let sum = 0;
  let once = 0;
  const pct = (ms: number) => `${fmt((100 * ms) / b.bareMsPerStep, 1)} %`;
  for (const c of b.components) {
    if (c.once) once += c.msPerStep;
    else sum += c.msPerStep;
    rows.push([`  ${c.name}`, c.msPerCall.toFixed(3), fmt(c.callsPerRun), c.msPerStep.toFixed(4), pct(c.msPerStep)]);
  }
  rows.push(['  total diagnostics per step', '', '', sum.toFixed(4), pct(sum)]);
  if (once > 0) rows.push([`  with the once-per-run costs, over this run of ${fmt(b.totalSteps)} steps`, '', '', (sum + once).toFixed(4), pct(sum + once)]);
  return rows;
}
