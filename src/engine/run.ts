/**
 * The training loop shared by networks and objectives: set up (backend, data, model), then
 * measure-and-update step by step, streaming coalesced metrics, until done, stopped or diverged.
 */
import type { Experiment } from '../shared/experiment';
import type {
  BackendChoice,
  BackendPreference,
  DataStats,
  EngineEvent,
  EpochRecord,
  RunEndReason,
  RunInfo,
  RunSummary,
  StepRecord,
} from '../shared/protocol';
import { selectBackend } from './backend';
import { Coalescer } from './coalescer';
import { type CheckPacing, DiagnosisMonitor } from '../diagnose/monitor';
import type { Dataset } from './data/dataset';
import { loadDataset } from './data/load';
import { SpecError } from './errors';
import { objectiveValue } from './objectives';
import { createOptimizer, type Optimizer } from './optimizers';
import { learningRateAt } from './schedules';
import { customProblem } from './train/custom';
import { networkProblem } from './train/network';
import { objectiveProblem } from './train/objective';
import type { Evaluation, Problem } from './train/problem';
import { trainStep } from './train/step';
import { BUDGET_MIN_PARAMS, Instruments, TimeBudget } from './instruments/schedule';
import { runRestarts } from './multi/restarts';
import { runGroup } from './multi/group';
import { LANDSCAPE_MAX_PARAMS, shapesOf, snapshotParams } from './netLandscape/params';

export interface RunOptions {
  runId: string;
  /** File path or example id (goes into RunInfo.source). */
  source: string;
  /** Relative data paths resolve against this. */
  baseDir: string;
  backend: BackendPreference;
  /** Extra places to look for optional @tensorflow/tfjs-node(-gpu). */
  nodeModulesPaths?: string[];
  /** Dense layers on the native BLAS when available (default true; CLI --no-blas, setting nativeBlas). */
  blas?: boolean;
  /** Polled every step; true ⇒ end with reason 'stopped' promptly. */
  shouldStop: () => boolean;
  /** 'started' once, coalesced 'metrics' batches, 'log', then 'finished' (or 'failed'). */
  emit: (e: EngineEvent) => void;
  /** Metrics coalescing interval, default 50 ms. */
  flushMs?: number;
}

/** At most this many full evaluations (EpochRecords) per run, plus the final one. */
const MAX_EVALUATIONS = 200;
/** Give the event loop a turn after this much uninterrupted work (worker message handlers). */
const YIELD_MS = 20;
/** A loss above this counts as diverged even while still finite. */
const DIVERGED_LOSS = 1e30;

export async function runExperiment(exp: Experiment, opts: RunOptions): Promise<RunSummary> {
  // compare variants, search trials, the landscape grid and lr-find wrap single runs (multi/group.ts).
  return runGroup(exp, opts, runSingle, (e, backend) => {
    const { problem, dataset } = setUp(e, opts, backend, (message) => opts.emit({ type: 'log', runId: opts.runId, level: 'warn', message }));
    return dataset ? { problem, trainSize: dataset.nTrain } : { problem };
  });
}

async function runSingle(exp: Experiment, opts: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const { runId } = opts;
  const log = (level: 'info' | 'warn' | 'error', message: string) => opts.emit({ type: 'log', runId, level, message });
  let problem: Problem | undefined;
  let optimizer: Optimizer | undefined;
  let coalescer: Coalescer | undefined;
  let instruments: Instruments | undefined;
  try {
    const backend = await selectBackend(opts.backend, opts.nodeModulesPaths ?? [], opts.blas ?? true);
    log('info', `backend: ${backend.label} (${backend.reason})`);
    const { problem: p, dataset, experiment } = setUp(exp, opts, backend, (m) => log('warn', m));
    problem = p;
    // What the instruments and detectors see: the file plus the defaults set-up decided.
    const effective = experiment ?? exp;
    optimizer = createOptimizer(exp.optimizer, p.paramCount);
    const info: RunInfo = {
      runId,
      name: exp.name,
      source: opts.source,
      kind: exp.kind,
      optimizer: exp.optimizer.name,
      backend,
      paramCount: p.paramCount,
      totalSteps: p.totalSteps,
      layers: p.layerLabels,
      startedAt: Date.now(),
    };
    if (dataset) {
      info.trainSize = dataset.nTrain;
      info.dataStats = dataStats(dataset);
    }
    opts.emit({ type: 'started', info });
    // Detectors see exactly the batches the host sees, so the CLI and the editor agree.
    let stepMs = 0;
    const monitor = new DiagnosisMonitor(effective, info, exp.kind === 'objective'
      ? (x, y) => objectiveValue(exp.objective.function, x, y, exp.objective.condition)
      : undefined, monitorPacing(p.paramCount, () => stepMs));
    const report = (changed: boolean) => {
      if (changed) opts.emit({ type: 'diagnostics', runId, diagnostics: monitor.list() });
    };
    const c = new Coalescer(opts.flushMs ?? 50, (batch) => {
      opts.emit({ type: 'metrics', runId, batch });
      report(monitor.ingest(batch));
    });
    coalescer = c;
    // Histograms, symmetry, curvature, gradient checks: at a low cadence, on large nets within a share of the step time.
    instruments = new Instruments(effective, p, c, (m) => log('warn', m));
    // θ₀ for the on-demand loss landscape (netLandscape/): small networks only.
    const initial = exp.kind === 'network' && p.paramCount <= LANDSCAPE_MAX_PARAMS ? snapshotParams(p.params) : undefined;
    const summary = await loop(exp, p, optimizer, c, opts, t0, instruments, (ms) => (stepMs += ms));
    if (initial && (summary.reason === 'completed' || summary.reason === 'stopped')) {
      opts.emit({ type: 'parameters', runId, step: summary.steps, shapes: shapesOf(p.params), initial, final: snapshotParams(p.params) });
    }
    if (exp.training.restarts && summary.reason === 'completed') {
      c.probe(await runRestarts(exp, exp.training.restarts, summary.final.trainLoss, summary.steps, (e) => headlessLoss(e, opts, backend), opts.shouldStop));
    }
    c.flush();
    report(monitor.finish(summary));
    opts.emit({ type: 'finished', runId, summary });
    return summary;
  } catch (e) {
    coalescer?.flush();
    const message = e instanceof Error ? e.message : String(e);
    const path = e instanceof SpecError ? e.path : undefined;
    opts.emit(path !== undefined ? { type: 'failed', runId, message, path } : { type: 'failed', runId, message });
    return {
      reason: 'error',
      steps: 0,
      final: { trainLoss: null, valLoss: null, accuracy: null },
      durationMs: performance.now() - t0,
      message,
    };
  } finally {
    instruments?.dispose();
    optimizer?.dispose();
    problem?.dispose();
  }
}

/**
 * The diagnosis monitor's checks on a net of `paramCount`: on large nets (the instruments' rule)
 * within DiagnosisMonitor.CHECK_SHARE of `stepMs`, the training-step time so far; undefined (every
 * check, whatever the machine's speed) below.
 */
export function monitorPacing(paramCount: number, stepMs: () => number, now?: () => number): CheckPacing | undefined {
  if (paramCount < BUDGET_MIN_PARAMS) return undefined;
  return { budget: new TimeBudget(DiagnosisMonitor.CHECK_SHARE), stepMs, now };
}

/** Trains `exp` without emitting anything (restarts) and returns its final training loss. */
async function headlessLoss(exp: Experiment, opts: RunOptions, backend: BackendChoice): Promise<number | null> {
  const { problem } = setUp(exp, opts, backend, () => undefined);
  const optimizer = createOptimizer(exp.optimizer);
  try {
    const quiet = new Coalescer(Infinity, () => undefined);
    const s = await loop(exp, problem, optimizer, quiet, opts, performance.now());
    return s.reason === 'completed' ? s.final.trainLoss : null;
  } finally {
    optimizer.dispose();
    problem.dispose();
  }
}

/** `experiment`: `exp` with the defaults set-up decided (a hand-written gradient turns gradient checks on). */
export function setUp(exp: Experiment, opts: Pick<RunOptions, 'baseDir'>, backend: BackendChoice, warn: (m: string) => void): { problem: Problem; dataset?: Dataset; experiment?: Experiment } {
  if (exp.kind === 'objective') return { problem: objectiveProblem(exp) };
  const dataset = loadDataset(exp.data, { seed: exp.seed, baseDir: opts.baseDir, output: exp.model.output, warn });
  if (exp.model.module !== undefined) {
    const problem = customProblem(exp, dataset, opts.baseDir, warn);
    const check = exp.training.gradientCheck ?? problem.handWrittenGradient;
    return { problem, dataset, experiment: { ...exp, training: { ...exp.training, gradientCheck: check } } };
  }
  return { problem: networkProblem(exp, dataset, backend.name === 'wasm'), dataset };
}

/** What the input-scale detectors need; capped so a 784-pixel dataset does not bloat every message. */
function dataStats(ds: Dataset): DataStats {
  const n = Math.min(ds.nFeatures, 1024);
  return {
    featureNames: ds.featureNames.slice(0, n),
    mean: Array.from(ds.rawStats.mean.subarray(0, n)),
    std: Array.from(ds.rawStats.std.subarray(0, n)),
  };
}

async function loop(
  exp: Experiment,
  problem: Problem,
  optimizer: Optimizer,
  out: Coalescer,
  opts: RunOptions,
  t0: number,
  instruments?: Instruments,
  onStepTime?: (ms: number) => void,
): Promise<RunSummary> {
  const total = problem.totalSteps;
  const spe = problem.stepsPerEpoch;
  const totalEpochs = Math.max(1, Math.ceil(total / spe));
  const evalEvery = Math.max(1, Math.ceil(totalEpochs / MAX_EVALUATIONS));
  // Objectives record epoch 0 (protocol) but schedule by step (an epoch is one step there).
  const epochOf = (step: number) => (problem.tracksPoint ? 0 : Math.floor(step / spe));
  const lrAt = (step: number) =>
    learningRateAt(exp.optimizer.learningRate, exp.optimizer.schedule, problem.tracksPoint ? step : Math.floor(step / spe), totalEpochs);

  let lastEval: EpochRecord | undefined;
  const evaluate = (step: number, epoch: number): EpochRecord | undefined => {
    if (!problem.evaluate) return undefined;
    const e = problem.evaluate();
    lastEval = { epoch, step, ...e };
    out.epoch(lastEval);
    return lastEval;
  };

  let reason: RunEndReason = 'completed';
  let message: string | undefined;
  let last: StepRecord | undefined;
  let step = 0;
  let sinceYield = performance.now();
  for (; step < total; step++) {
    if (opts.shouldStop()) {
      reason = 'stopped';
      message = `stopped after ${step} of ${total} steps`;
      break;
    }
    instruments?.at(step);
    const t = performance.now();
    const rec = trainStep(problem, optimizer, { step, epoch: epochOf(step), lr: lrAt(step), update: true });
    const ms = performance.now() - t;
    instruments?.stepTime(ms);
    onStepTime?.(ms);
    out.step(rec);
    last = rec;
    const bad = divergence(rec);
    if (bad) {
      reason = 'diverged';
      message = `${bad} at step ${step}`;
      break;
    }
    if ((step + 1) % spe === 0) {
      const epoch = Math.floor(step / spe);
      if ((epoch + 1) % evalEvery === 0) evaluate(step + 1, epoch);
    }
    if (performance.now() - sinceYield > YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sinceYield = performance.now();
    }
  }

  if (reason === 'completed') {
    // The measurement at θ_T, after the last update (objectives: the final point).
    instruments?.at(step, true);
    last = trainStep(problem, optimizer, {
      step,
      epoch: Math.max(0, epochOf(Math.max(step - 1, 0))),
      lr: lrAt(step),
      update: false,
    });
    out.step(last);
    const bad = divergence(last);
    if (bad) {
      reason = 'diverged';
      message = `${bad} at step ${step}`;
    }
  }

  let final: Evaluation | undefined;
  if (problem.evaluate) {
    final = lastEval && lastEval.step === step ? lastEval : evaluate(step, Math.max(0, Math.floor((step - 1) / spe)));
  }
  let current: [number, number] | undefined;
  if (problem.tracksPoint) {
    const v = problem.params[0].dataSync();
    current = [v[0], v[1]];
  }
  return summarize(exp, reason, message, step, last, final, current, t0);
}

/** Why a step counts as diverged, or undefined if it does not. */
function divergence(r: StepRecord): string | undefined {
  if (Number.isNaN(r.loss)) return 'loss became NaN';
  if (!Number.isFinite(r.loss)) return 'loss became infinite';
  if (r.loss > DIVERGED_LOSS) return `loss exceeded ${DIVERGED_LOSS.toExponential(0)} (${r.loss.toExponential(2)})`;
  if (!Number.isFinite(r.gradNorm)) return `gradient became ${Number.isNaN(r.gradNorm) ? 'NaN' : 'infinite'}`;
  return undefined;
}

function summarize(
  exp: Experiment,
  reason: RunEndReason,
  message: string | undefined,
  steps: number,
  last: StepRecord | undefined,
  final: Evaluation | undefined,
  current: [number, number] | undefined,
  t0: number,
): RunSummary {
  const s: RunSummary = {
    reason,
    steps,
    final: { trainLoss: null, valLoss: null, accuracy: null },
    durationMs: performance.now() - t0,
  };
  if (message) s.message = message;
  if (exp.kind === 'objective') {
    // Diverged: the point where it blew up; otherwise where the parameters are now.
    const p = reason === 'diverged' && last?.point ? last.point : current ?? exp.objective.start;
    s.point = p;
    s.final.trainLoss = reason === 'completed' && last ? last.loss : objectiveValue(exp.objective.function, p[0], p[1], exp.objective.condition);
  } else if (final) {
    s.final.trainLoss = final.trainLoss;
    s.final.valLoss = final.valLoss ?? null;
    s.final.accuracy = final.valAccuracy ?? final.trainAccuracy ?? null;
  }
  return s;
}
