/**
 * When the diagnostic instruments run. Each costs more than a training step (weights read back,
 * Hessian-vector products, finite differences), so each runs at a few evenly spaced steps per run,
 * never every step: the detectors need persistence and trends, not every value.
 *
 * On large nets the curvature probe is also held to a time budget: one call is ~33 gradient
 * evaluations (power iteration on finite-difference Hessian-vector products), which on the MNIST
 * MLP made it 4–28 % of the run at its 13 planned calls (`npm run bench -- --breakdown`). Its first
 * planned call always runs (the detectors need one estimate, and it measures the cost); a later
 * planned call runs only while the probe's total time, this call's included (estimated as the last
 * call's), stays within CURVATURE_BUDGET of the time since the first step. A skipped call is not
 * made up: the next planned step asks again. The symmetry snapshots (15–25 ms each on the MNIST
 * MLP, 1–1.6 % of its run at 11 calls) get SYMMETRY_BUDGET the same way. Nets below BUDGET_MIN_PARAMS parameters (toy problems
 * and every labelled benchmark case, whose runs take seconds) keep the planned cadence exactly, so
 * their diagnoses do not depend on the machine's speed.
 */
import type { Experiment } from '../../shared/experiment';
import type { ProbeRecord } from '../../shared/protocol';
import { streamFor } from '../random';
import type { Problem } from '../train/problem';
import { CurvatureProbe } from './curvature';
import { gradientCheck } from './gradientCheck';
import { symmetryProbe } from './symmetry';

/** Symmetry snapshots per run (one weight read-back each). */
const SYMMETRY_CALLS = 10;
/** Curvature estimates per run: about one per CURVATURE_SPACING steps, within [MIN, MAX]. */
const CURVATURE_SPACING = 100;
const CURVATURE_MIN = 3;
const CURVATURE_MAX = 12;
/** Above this many parameters the Hessian probe is skipped (nested autodiff memory and time). */
const CURVATURE_MAX_PARAMS = 200_000;
/** Share of the elapsed run time the curvature probe may take on a large net (see above). */
export const CURVATURE_BUDGET = 0.01;
/** The same for the symmetry and weights snapshots (one read-back of θ and an O(units²) comparison). */
export const SYMMETRY_BUDGET = 0.005;
/** Nets with fewer parameters run every planned call. */
export const BUDGET_MIN_PARAMS = 10_000;
/** Gradient checks per run when `training.gradientCheck` is on. */
const GRADIENT_CHECKS = 3;

/** The steps in [0, total) at which an instrument with `calls` calls runs. */
export function cadence(total: number, calls: number): Set<number> {
  const out = new Set<number>();
  if (total <= 0 || calls <= 0) return out;
  for (let k = 0; k < calls; k++) out.add(Math.floor((k * total) / calls));
  return out;
}

/** Calls per run of each instrument (+1 for the final measurement) and the histogram interval run.ts uses. */
export interface InstrumentPlan {
  symmetry: number;
  curvature: number;
  histograms: number;
  histogramEvery: number;
}

export function instrumentPlan(exp: Experiment, problem: Problem): InstrumentPlan {
  const total = problem.totalSteps;
  const net = exp.kind === 'network' && !problem.tracksPoint;
  const hidden = net && problem.layerGroups.length > 1 && exp.model.module === undefined;
  const curvature = net && problem.paramCount <= CURVATURE_MAX_PARAMS ? curvatureCalls(total) : 0;
  const histogramEvery = exp.training.histogramEvery > 0 ? exp.training.histogramEvery : Math.max(1, Math.round(total / 100));
  return {
    symmetry: hidden ? cadence(total, SYMMETRY_CALLS).size + 1 : 0,
    curvature: curvature ? cadence(total, curvature).size + 1 : 0,
    histograms: problem.histograms ? Math.ceil(total / histogramEvery) + 1 : 0,
    histogramEvery,
  };
}

function curvatureCalls(total: number): number {
  return Math.min(CURVATURE_MAX, Math.max(CURVATURE_MIN, Math.round(total / CURVATURE_SPACING)));
}

/** An instrument's time so far against `share` of the elapsed time (see the file comment). */
export class TimeBudget {
  private calls = 0;
  private spentMs = 0;
  private lastMs = 0;

  constructor(private readonly share: number) {}

  /** Whether the next call (estimated to cost as much as the last) fits; the first call always does. */
  affordable(elapsedMs: number): boolean {
    return this.calls === 0 || this.spentMs + this.lastMs <= this.share * elapsedMs;
  }

  spend(ms: number): void {
    this.calls++;
    this.spentMs += ms;
    this.lastMs = ms;
  }
}

export class Instruments {
  private readonly symmetryAt: Set<number>;
  private readonly curvatureAt: Set<number>;
  private readonly checkAt: Set<number>;
  private curvature: CurvatureProbe | undefined;
  private broken = new Set<string>();
  /** When the first step was instrumented. */
  private start = 0;
  private started = false;
  /** Undefined on small nets: every planned call runs. */
  private readonly curvatureBudget: TimeBudget | undefined;
  private readonly symmetryBudget: TimeBudget | undefined;

  constructor(
    private readonly exp: Experiment,
    private readonly problem: Problem,
    private readonly emit: (r: ProbeRecord) => void,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    const total = problem.totalSteps;
    const net = exp.kind === 'network' && !problem.tracksPoint;
    // The symmetry probe reads an MLP's [W1, b1, W2, b2, ...]; a custom module's layout is its own.
    const hidden = net && problem.layerGroups.length > 1 && exp.model.module === undefined;
    this.symmetryAt = hidden ? cadence(total, SYMMETRY_CALLS) : new Set();
    this.curvatureAt = net && problem.paramCount <= CURVATURE_MAX_PARAMS ? cadence(total, curvatureCalls(total)) : new Set();
    this.checkAt = exp.training.gradientCheck ? cadence(total, GRADIENT_CHECKS) : new Set();
    if (this.curvatureAt.size) this.curvature = new CurvatureProbe(problem, streamFor(exp.seed, 'curvature'));
    if (problem.paramCount >= BUDGET_MIN_PARAMS) {
      this.curvatureBudget = new TimeBudget(CURVATURE_BUDGET);
      this.symmetryBudget = new TimeBudget(SYMMETRY_BUDGET);
    }
  }

  /** Runs what is due at θ_step (before that step's update); `final` is the measurement after the last update. */
  at(step: number, final = false): void {
    if (!this.started) {
      this.started = true;
      this.start = this.now();
    }
    if ((this.symmetryAt.has(step) || (final && this.symmetryAt.size)) && this.affordable(this.symmetryBudget)) {
      this.timed(this.symmetryBudget, () => this.guard('symmetry', () => symmetryProbe(this.problem.params, step).forEach(this.emit)));
    }
    if (this.curvature && (this.curvatureAt.has(step) || final) && this.affordable(this.curvatureBudget)) {
      const probe = this.curvature;
      this.timed(this.curvatureBudget, () => this.guard('curvature', () => this.emit(probe.measure(step, 0))));
    }
    if (this.checkAt.has(step) && !final) {
      this.guard('gradientCheck', () => this.emit(gradientCheck(this.problem, step, streamFor(this.exp.seed + step, 'gradcheck'), (p, i) => this.paramName(p, i))));
    }
  }

  dispose(): void {
    this.curvature?.dispose();
  }

  private affordable(budget: TimeBudget | undefined): boolean {
    return budget?.affordable(this.now() - this.start) ?? true;
  }

  private timed(budget: TimeBudget | undefined, f: () => void): void {
    const t = this.now();
    f();
    budget?.spend(this.now() - t);
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
