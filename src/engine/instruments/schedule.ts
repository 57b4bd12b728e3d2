/**
 * When the diagnostic instruments run: activation histograms, symmetry/weights snapshots, curvature
 * estimates and gradient checks. Each call costs more than a training step (a forward pass of the
 * probe batch, a read-back of θ, ~33 gradient evaluations, finite differences), so each has a
 * planned cadence of evenly spaced steps, never every step: the detectors need persistence and
 * trends, not every value. θ_T, after the last update, is always among the planned calls.
 *
 * On nets of at least BUDGET_MIN_PARAMS parameters the planned calls are also held to a share of
 * the run's training-step time, measured as the run goes (what `trainStep` takes, so a faster step
 * such as the native BLAS one makes an instrument relatively dearer and it runs less often; a fixed
 * step count could not follow that):
 *   activation histograms       HISTOGRAM_BUDGET  0.5 % (planned: every ~2 % of the steps)
 *   curvature estimates         CURVATURE_BUDGET  0.5 % (planned: every ~100 steps, 3–6 calls)
 *   symmetry/weights snapshots  SYMMETRY_BUDGET   0.25 % (planned: 10 calls)
 * 1.25 % in all, so that with the per-step statistics (1–4 %, least on the native BLAS step) and
 * the diagnosis monitor (its own 0.5 %, diagnose/monitor.ts) diagnostics stay within 5 % of the
 * step time on the MNIST-shaped MLP (`npm run bench -- --breakdown`).
 * A planned call runs when the instrument's total time, this call included (estimated as its last
 * call), stays within its share of the step time so far; the first call always runs (the detectors
 * need it, and it measures the cost). A skipped call is not made up: the next planned step asks
 * again, so the calls that fit spread over the run. Whatever the cost, a completed run gets each
 * instrument's minimum (the *_MIN constants, final measurement included), so a short run still
 * feeds the panel and the detectors; the guaranteed calls are spread evenly (the k-th is due at the
 * first planned step from k/(min − 1) of the run on, unless budgeted calls already made up the
 * count) and count against the budget like any other call.
 *
 * Nets below BUDGET_MIN_PARAMS (toy problems and every labelled benchmark case, runs of seconds)
 * keep the planned cadence exactly, so their diagnoses do not depend on the machine's speed; so
 * does an explicit `training.histogramEvery` (the user asked for that rate).
 * `npm run bench -- --breakdown` replays these rules with measured costs (bench/breakdown.ts);
 * docs/collection-frequency.md has the user's view.
 */
import type { Experiment } from '../../shared/experiment';
import type { HistogramRecord, ProbeRecord } from '../../shared/protocol';
import { streamFor } from '../random';
import type { Problem } from '../train/problem';
import { CurvatureProbe } from './curvature';
import { gradientCheck } from './gradientCheck';
import { symmetryProbe } from './symmetry';

/**
 * Planned histogram calls per run when `histogramEvery` is 0 (automatic). The unit-health detectors
 * read the last 3 snapshots, so every ~2 % of a run sees a dead layer by ~4 % of it (the labelled
 * cases: step 12 of 300); 100 found it at 2 % but cost the tiny 2-16-16-1 net, whose JS step takes
 * 0.08 ms, 3.3 % of its step time against 1.7 %.
 */
const HISTOGRAM_CALLS = 50;
/** Planned symmetry snapshots per run (one weight read-back each). */
const SYMMETRY_CALLS = 10;
/**
 * Planned curvature estimates per run: about one per CURVATURE_SPACING steps, within [MIN, MAX].
 * At most 6: the labelled benchmark gives the same diagnoses as with 12 (its curvature cases are
 * decided by the first estimates), and a call costs ~33 gradients, ~2 ms on the tiny net (12 calls
 * were 2.2–3 % of a 10,000-step run's step time, 6 and the final one about half).
 */
const CURVATURE_SPACING = 100;
const CURVATURE_PLANNED_MIN = 3;
const CURVATURE_PLANNED_MAX = 6;
/** Above this many parameters the Hessian probe is skipped (nested autodiff memory and time). */
const CURVATURE_MAX_PARAMS = 200_000;
/** Gradient checks per run when `training.gradientCheck` is on. */
const GRADIENT_CHECKS = 3;

/** Shares of the run's step time each instrument may take on a large net (see above). */
export const HISTOGRAM_BUDGET = 0.005;
export const CURVATURE_BUDGET = 0.005;
export const SYMMETRY_BUDGET = 0.0025;
/**
 * Calls per completed run each instrument keeps whatever its cost, the final one included. The
 * unit-health detectors compare the last 3 histogram snapshots (10: persistence over the last
 * fifth of the run); symmetry compares the last two snapshots, one after training started (3: θ₀,
 * mid-run, θ_T). Both cost a few ms per call, so they also always measure θ_T (the panel's last
 * picture, the end-of-run diagnosis). Curvature keeps only its first estimate (θ₀), which every
 * curvature detector can read: a call costs ~33 gradient evaluations, 60–300 ms on the MNIST MLP on
 * WASM, so a forced second one alone would be 2–4 % of a 10-second run (bench --breakdown).
 */
export const HISTOGRAM_MIN = 10;
export const SYMMETRY_MIN = 3;
export const CURVATURE_MIN = 1;
/** Nets with fewer parameters run every planned call. */
export const BUDGET_MIN_PARAMS = 10_000;

/** The steps in [0, total) at which an instrument with `calls` calls runs. */
export function cadence(total: number, calls: number): Set<number> {
  const out = new Set<number>();
  if (total <= 0 || calls <= 0) return out;
  for (let k = 0; k < calls; k++) out.add(Math.floor((k * total) / calls));
  return out;
}

/** Steps between histogram snapshots: the experiment's own, or about HISTOGRAM_CALLS per run. */
export function histogramInterval(exp: Experiment, total: number): number {
  return exp.training.histogramEvery > 0 ? exp.training.histogramEvery : Math.max(1, Math.round(total / HISTOGRAM_CALLS));
}

/** An instrument's time so far against `share` of the run's step time (see the file comment). */
export class TimeBudget {
  private calls = 0;
  private spentMs = 0;
  private lastMs = 0;

  constructor(private readonly share: number) {}

  /** Whether the next call (estimated to cost as much as the last) fits; the first call always does. */
  affordable(stepMs: number): boolean {
    return this.calls === 0 || this.spentMs + this.lastMs <= this.share * stepMs;
  }

  spend(ms: number): void {
    this.calls++;
    this.spentMs += ms;
    this.lastMs = ms;
  }
}

/** One instrument's calls: its planned steps, and on large nets its budget and guaranteed minimum. */
export class Cadence {
  private calls = 0;
  /** The k-th entry: the step from which the (k+1)-th guaranteed call is due. */
  private readonly guaranteed: number[];

  /**
   * `planned(step)`: a planned step in [0, total); `plannedCalls`: how many there are (+1 for the
   * final measurement, which is always planned). `budget` undefined: every planned call runs.
   * `finalAlways`: θ_T is measured whatever the budget (instruments cheap next to a run).
   */
  constructor(
    private readonly planned: (step: number) => boolean,
    readonly plannedCalls: number,
    total: number,
    private readonly minimum: number,
    private readonly budget?: TimeBudget,
    private readonly finalAlways = false,
  ) {
    this.guaranteed = [...cadence(total, minimum - 1)];
  }

  /** Every `interval` steps of a run of `total`. */
  static every(total: number, interval: number, minimum: number, budget?: TimeBudget, finalAlways = false): Cadence {
    return new Cadence((s) => s % interval === 0, Math.ceil(total / interval) + 1, total, minimum, budget, finalAlways);
  }

  /** At `steps` of a run of `total`. */
  static at(total: number, steps: Set<number>, minimum: number, budget?: TimeBudget, finalAlways = false): Cadence {
    return new Cadence((s) => steps.has(s), steps.size + 1, total, minimum, budget, finalAlways);
  }

  /** Whether the instrument runs at `step` (`final`: θ_T), with `stepMs` of training steps so far. */
  due(step: number, final: boolean, stepMs: number): boolean {
    if (!final && !this.planned(step)) return false;
    if (!this.budget || (final && this.finalAlways)) return true;
    return this.calls < this.owed(step, final) || this.budget.affordable(stepMs);
  }

  /** Records a call that `due` allowed and what it took. */
  spend(ms: number): void {
    this.calls++;
    this.budget?.spend(ms);
  }

  /** Guaranteed calls owed by `step`. */
  private owed(step: number, final: boolean): number {
    if (final) return this.minimum;
    let n = 0;
    while (n < this.guaranteed.length && this.guaranteed[n] <= step) n++;
    return n;
  }
}

export interface InstrumentCadences {
  histograms?: Cadence;
  symmetry?: Cadence;
  curvature?: Cadence;
  /** Steps of the gradient checks (cheap next to a run of the small models that use them: not budgeted). */
  checks: Set<number>;
}

/** Each instrument's cadence for `problem` (fresh budgets: one set per run). */
export function instrumentCadences(exp: Experiment, problem: Problem): InstrumentCadences {
  const total = problem.totalSteps;
  const net = exp.kind === 'network' && !problem.tracksPoint;
  // The symmetry probe reads an MLP's [W1, b1, W2, b2, ...]; a custom module's layout is its own.
  const hidden = net && problem.layerGroups.length > 1 && exp.model.module === undefined;
  const large = problem.paramCount >= BUDGET_MIN_PARAMS;
  const budget = (share: number) => (large ? new TimeBudget(share) : undefined);
  const out: InstrumentCadences = { checks: exp.training.gradientCheck ? cadence(total, GRADIENT_CHECKS) : new Set() };
  if (problem.histograms) {
    const explicit = exp.training.histogramEvery > 0;
    out.histograms = Cadence.every(total, histogramInterval(exp, total), HISTOGRAM_MIN, explicit ? undefined : budget(HISTOGRAM_BUDGET), true);
  }
  if (hidden) out.symmetry = Cadence.at(total, cadence(total, SYMMETRY_CALLS), SYMMETRY_MIN, budget(SYMMETRY_BUDGET), true);
  if (net && problem.paramCount <= CURVATURE_MAX_PARAMS) {
    const calls = Math.min(CURVATURE_PLANNED_MAX, Math.max(CURVATURE_PLANNED_MIN, Math.round(total / CURVATURE_SPACING)));
    out.curvature = Cadence.at(total, cadence(total, calls), CURVATURE_MIN, budget(CURVATURE_BUDGET));
  }
  return out;
}

/** Where the instruments' records go (the run's Coalescer). */
export interface InstrumentSink {
  histograms(rs: HistogramRecord[]): void;
  probe(r: ProbeRecord): void;
}

export class Instruments {
  private readonly plan: InstrumentCadences;
  private curvature: CurvatureProbe | undefined;
  private broken = new Set<string>();
  /** Training-step time so far (`stepTime`), what the budgets are shares of. */
  private stepMs = 0;

  constructor(
    private readonly exp: Experiment,
    private readonly problem: Problem,
    private readonly sink: InstrumentSink,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.plan = instrumentCadences(exp, problem);
    if (this.plan.curvature) this.curvature = new CurvatureProbe(problem, streamFor(exp.seed, 'curvature'));
  }

  /** Adds one training step's measured time. */
  stepTime(ms: number): void {
    this.stepMs += ms;
  }

  /** Runs what is due at θ_step (before that step's update); `final` is the measurement after the last update. */
  at(step: number, final = false): void {
    const { histograms, symmetry, curvature, checks } = this.plan;
    const problem = this.problem;
    if (histograms?.due(step, final, this.stepMs) && problem.histograms) {
      const hs = this.timed(histograms, () => problem.histograms?.(step) ?? []);
      if (hs.length) this.sink.histograms(hs);
    }
    if (symmetry?.due(step, final, this.stepMs)) {
      this.timed(symmetry, () => this.guard('symmetry', () => symmetryProbe(problem.params, step).forEach((r) => this.sink.probe(r))));
    }
    const probe = this.curvature;
    if (probe && curvature?.due(step, final, this.stepMs)) {
      this.timed(curvature, () => this.guard('curvature', () => this.sink.probe(probe.measure(step, 0))));
    }
    if (checks.has(step) && !final) {
      this.guard('gradientCheck', () => this.sink.probe(gradientCheck(problem, step, streamFor(this.exp.seed + step, 'gradcheck'), (p, i) => this.paramName(p, i))));
    }
  }

  dispose(): void {
    this.curvature?.dispose();
  }

  private timed<T>(c: Cadence, f: () => T): T {
    const t = this.now();
    const out = f();
    c.spend(this.now() - t);
    return out;
  }

  /** An instrument that fails (a backend without second-order gradients) is switched off, once, with a log line. */
  private guard(name: string, f: () => void): void {
    if (this.broken.has(name)) return;
    try {
      f();
    } catch (e) {
      this.broken.add(name);
      this.warn(`${name} instrument disabled: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** "W2[3,0]" / "b1[4]" for an MLP's [W1, b1, W2, b2, ...]; "θ[i]" for objectives. */
  private paramName(p: number, i: number): string {
    if (this.problem.tracksPoint) return `θ[${i}]`;
    if (this.problem.paramLabel) return this.problem.paramLabel(p, i);
    const v = this.problem.params[p];
    const layer = Math.floor(p / 2) + 1;
    if (v.shape.length === 2) return `W${layer}[${Math.floor(i / v.shape[1])},${i % v.shape[1]}]`;
    return `${p % 2 ? 'b' : 'W'}${layer}[${i}]`;
  }
}
