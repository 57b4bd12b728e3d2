/**
 * When the diagnostic instruments run. Each costs more than a training step (weights read back,
 * Hessian-vector products, finite differences), so each runs at a few evenly spaced steps per run,
 * never every step: the detectors need persistence and trends, not every value.
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
/** Gradient checks per run when `training.gradientCheck` is on. */
const GRADIENT_CHECKS = 3;

/** The steps in [0, total) at which an instrument with `calls` calls runs. */
export function cadence(total: number, calls: number): Set<number> {
  const out = new Set<number>();
  if (total <= 0 || calls <= 0) return out;
  for (let k = 0; k < calls; k++) out.add(Math.floor((k * total) / calls));
  return out;
}

export class Instruments {
  private readonly symmetryAt: Set<number>;
  private readonly curvatureAt: Set<number>;
  private readonly checkAt: Set<number>;
  private curvature: CurvatureProbe | undefined;
  private broken = new Set<string>();

  constructor(
    private readonly exp: Experiment,
    private readonly problem: Problem,
    private readonly emit: (r: ProbeRecord) => void,
    private readonly warn: (message: string) => void,
  ) {
    const total = problem.totalSteps;
    const net = exp.kind === 'network' && !problem.tracksPoint;
    // The symmetry probe reads an MLP's [W1, b1, W2, b2, ...]; a custom module's layout is its own.
    const hidden = net && problem.layerGroups.length > 1 && exp.model.module === undefined;
    this.symmetryAt = hidden ? cadence(total, SYMMETRY_CALLS) : new Set();
    const curvatureCalls = Math.min(CURVATURE_MAX, Math.max(CURVATURE_MIN, Math.round(total / CURVATURE_SPACING)));
    this.curvatureAt = net && problem.paramCount <= CURVATURE_MAX_PARAMS ? cadence(total, curvatureCalls) : new Set();
    this.checkAt = exp.training.gradientCheck ? cadence(total, GRADIENT_CHECKS) : new Set();
    if (this.curvatureAt.size) this.curvature = new CurvatureProbe(problem, streamFor(exp.seed, 'curvature'));
  }

  /** Runs what is due at θ_step (before that step's update); `final` is the measurement after the last update. */
  at(step: number, final = false): void {
    if (this.symmetryAt.has(step) || (final && this.symmetryAt.size)) this.guard('symmetry', () => symmetryProbe(this.problem.params, step).forEach(this.emit));
    if (this.curvature && (this.curvatureAt.has(step) || final)) {
      const probe = this.curvature;
      this.guard('curvature', () => this.emit(probe.measure(step, 0)));
    }
    if (this.checkAt.has(step) && !final) {
      this.guard('gradientCheck', () => this.emit(gradientCheck(this.problem, step, streamFor(this.exp.seed + step, 'gradcheck'), (p, i) => this.paramName(p, i))));
    }
  }

  dispose(): void {
    this.curvature?.dispose();
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
