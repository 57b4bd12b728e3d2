/**
 * Learning-rate range test (L. Smith, "Cyclical Learning Rates", 2017; fastai's lr_find): train
 * with α growing exponentially from `minLr` to `maxLr`, one update per value, and watch the loss.
 * It falls once α is large enough to make progress and explodes once α is too large. The
 * suggestion is α where the smoothed loss falls fastest per unit of log α (the steepest descent);
 * the older rule of thumb, a tenth of the α at the minimum, is reported too.
 */
import type { Experiment, LrFindSpec } from '../../shared/experiment';
import type { LrFindRecord, RunInfo, RunSummary } from '../../shared/protocol';
import { selectBackend } from '../backend';
import { Coalescer } from '../coalescer';
import { SpecError } from '../errors';
import { createOptimizer } from '../optimizers';
import { trainStep } from '../train/step';
import type { RunOptions } from '../run';
import type { Problem } from '../train/problem';

export { LR_FIND_DEFAULTS } from './lrFindSpec';
/** EMA weight of the loss smoothing (fastai's). */
const BETA = 0.98;
/** The test stops once the smoothed loss exceeds this multiple of its minimum. */
export const EXPLODE_FACTOR = 4;
/** The bias-corrected EMA is still noisy over the first few points: the suggestion ignores them. */
const SKIP = 3;

export interface LrFindAnalysis {
  smoothed: number[];
  /** Index where the test should stop (exclusive), i.e. the first exploded point + 1, or the length. */
  end: number;
  exploded: boolean;
  suggested: number | null;
  minLossLr: number | null;
}

/** α for update k of n: exponential from min to max. */
export function lrAt(spec: LrFindSpec, k: number): number {
  return spec.minLr * Math.pow(spec.maxLr / spec.minLr, spec.steps > 1 ? k / (spec.steps - 1) : 0);
}

/** Smoothing, explosion and the suggestion from the raw (α, loss) pairs; pure, so it is tested on its own. */
export function analyzeLrFind(lrs: readonly number[], losses: readonly number[]): LrFindAnalysis {
  const smoothed: number[] = [];
  let avg = 0;
  let best = Infinity;
  let bestAt = -1;
  let end = losses.length;
  let exploded = false;
  for (let k = 0; k < losses.length; k++) {
    const l = losses[k];
    if (!Number.isFinite(l)) {
      exploded = true;
      end = k;
      break;
    }
    avg = BETA * avg + (1 - BETA) * l;
    const s = avg / (1 - Math.pow(BETA, k + 1));
    smoothed.push(s);
    if (s < best) {
      best = s;
      bestAt = k;
    }
    if (k > SKIP && s > EXPLODE_FACTOR * best) {
      exploded = true;
      end = k + 1;
      break;
    }
  }
  // Steepest descent on the falling part: central differences of the smoothed loss against log α,
  // over a window of a tenth of the test (minibatch noise at tiny α must not win over the real dip).
  let suggested: number | null = null;
  let steepest = 0;
  const w = Math.max(1, Math.floor(smoothed.length / 10));
  for (let k = Math.max(w, SKIP); k <= bestAt && k + w < smoothed.length; k++) {
    const g = (smoothed[k + w] - smoothed[k - w]) / (Math.log(lrs[k + w]) - Math.log(lrs[k - w]));
    if (g < steepest) {
      steepest = g;
      suggested = lrs[k];
    }
  }
  return { smoothed, end, exploded, suggested, minLossLr: bestAt >= 0 ? lrs[bestAt] : null };
}

export async function runLrFind(
  exp: Experiment,
  spec: LrFindSpec,
  opts: RunOptions,
  setUp: (exp: Experiment, backend: Awaited<ReturnType<typeof selectBackend>>) => { problem: Problem; trainSize?: number },
): Promise<RunSummary> {
  const t0 = performance.now();
  const { runId } = opts;
  let problem: Problem | undefined;
  let dispose: (() => void) | undefined;
  try {
    if (!(spec.minLr > 0 && spec.maxLr > spec.minLr && spec.steps >= 2)) throw new SpecError('/optimizer/learningRate', 'lr-find needs 0 < minLr < maxLr and at least 2 steps');
    const backend = await selectBackend(opts.backend, opts.nodeModulesPaths ?? [], opts.blas ?? true);
    const set = setUp(exp, backend);
    problem = set.problem;
    const optimizer = createOptimizer(exp.optimizer, problem.paramCount);
    dispose = () => optimizer.dispose();
    const info: RunInfo = {
      runId,
      name: `${exp.name} (learning-rate range test)`,
      source: opts.source,
      kind: exp.kind,
      optimizer: exp.optimizer.name,
      backend,
      paramCount: problem.paramCount,
      totalSteps: spec.steps,
      layers: problem.layerLabels,
      startedAt: Date.now(),
      task: 'lrFind',
      ...(set.trainSize !== undefined ? { trainSize: set.trainSize } : {}),
    };
    opts.emit({ type: 'started', info });
    const out = new Coalescer(opts.flushMs ?? 50, (batch) => opts.emit({ type: 'metrics', runId, batch }));
    const lrs: number[] = [];
    const losses: number[] = [];
    let stopped = false;
    let last = performance.now();
    for (let k = 0; k < spec.steps; k++) {
      if (opts.shouldStop()) {
        stopped = true;
        break;
      }
      const lr = lrAt(spec, k);
      const rec = trainStep(problem, optimizer, { step: k, epoch: Math.floor(k / problem.stepsPerEpoch), lr, update: true });
      out.step(rec);
      lrs.push(lr);
      losses.push(rec.loss);
      const a = analyzeLrFind(lrs, losses);
      if (a.exploded) break;
      if (performance.now() - last > 20) {
        await new Promise<void>((r) => setImmediate(r));
        last = performance.now();
      }
    }
    const a = analyzeLrFind(lrs, losses);
    const record: LrFindRecord = {
      kind: 'lrFind',
      step: lrs.length,
      lrs: lrs.slice(0, a.end),
      losses: losses.slice(0, a.end),
      smoothed: a.smoothed,
      suggested: a.suggested,
      minLossLr: a.minLossLr,
      exploded: a.exploded,
    };
    out.probe(record);
    out.flush();
    const finite = a.smoothed.filter(Number.isFinite);
    const summary: RunSummary = {
      reason: stopped ? 'stopped' : 'completed',
      steps: lrs.length,
      final: { trainLoss: finite.length ? Math.min(...finite) : null, valLoss: null, accuracy: null },
      durationMs: performance.now() - t0,
      message: lrFindMessage(record),
    };
    opts.emit({ type: 'finished', runId, summary });
    return summary;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const path = e instanceof SpecError ? e.path : undefined;
    opts.emit(path !== undefined ? { type: 'failed', runId, message, path } : { type: 'failed', runId, message });
    return { reason: 'error', steps: 0, final: { trainLoss: null, valLoss: null, accuracy: null }, durationMs: performance.now() - t0, message };
  } finally {
    dispose?.();
    problem?.dispose();
  }
}

/** One line: the suggestion, the ÷10 rule and why the test ended. */
export function lrFindMessage(r: LrFindRecord): string {
  const fmt = (x: number) => Number(x.toPrecision(2)).toString();
  const parts = [r.suggested !== null ? `suggested learning rate ${fmt(r.suggested)} (steepest descent of the smoothed loss)` : 'the loss never fell: no suggestion (widen the range)'];
  if (r.minLossLr !== null) parts.push(`minimum at α = ${fmt(r.minLossLr)}, ÷10 rule: ${fmt(r.minLossLr / 10)}`);
  parts.push(r.exploded ? `stopped when the loss exploded at α = ${fmt(r.lrs[r.lrs.length - 1] ?? NaN)}` : 'the loss did not explode within the range');
  return parts.join('; ');
}
