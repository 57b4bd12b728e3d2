import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate } from '../detector';
import { featureScales } from './inputs';
import { fmt, median } from '../stats';

/**
 * `ill-conditioning` and `saddle-point` from curvature.
 *
 * Objectives: the 2×2 Hessian at the current point by central finite differences of the objective
 * (exact enough at h = 1e-4·max(1, |θ|) for these smooth functions), its eigenvalues λ₁ ≤ λ₂.
 * - ill-conditioning: λ₁ > 0 and λ₂/λ₁ > CONDITION, for a non-adaptive optimizer (Adam, RMSProp and
 *   AdaGrad rescale per coordinate, which is the recap's fix) — the ravine in which GD zig-zags.
 * - saddle-point: λ₁ < −NEG·|λ₂| (real negative curvature) with a gradient norm below
 *   SMALL × the largest seen (the lecture's saddle x² − y² from [1, 0.001] with α = 0.05 bottoms
 *   out at ≈ 3.7 % of it), over the last SADDLE_STEPS records.
 * Networks (until Hessian-vector products are instrumented): the input covariance of a linear
 *   layer has condition ≈ (std ratio)², so unnormalized features with a std ratio above √CONDITION
 *   mean an ill-conditioned problem.
 */
const CONDITION = 100;
const NEG = 1e-3;
const SMALL = 5e-2;
const SADDLE_STEPS = 5;

export type ObjectiveValue = (x: number, y: number) => number;

export function hessian2(f: ObjectiveValue, x: number, y: number): { l1: number; l2: number } {
  const hx = 1e-4 * Math.max(1, Math.abs(x));
  const hy = 1e-4 * Math.max(1, Math.abs(y));
  const f0 = f(x, y);
  const fxx = (f(x + hx, y) - 2 * f0 + f(x - hx, y)) / (hx * hx);
  const fyy = (f(x, y + hy) - 2 * f0 + f(x, y - hy)) / (hy * hy);
  const fxy = (f(x + hx, y + hy) - f(x + hx, y - hy) - f(x - hx, y + hy) + f(x - hx, y - hy)) / (4 * hx * hy);
  const m = (fxx + fyy) / 2;
  const d = Math.sqrt(((fxx - fyy) / 2) ** 2 + fxy * fxy);
  return { l1: m - d, l2: m + d };
}

const ADAPTIVE = new Set(['adam', 'rmsprop', 'adagrad']);

export class IllConditioningDetector implements Detector {
  readonly code = 'ill-conditioning';
  readonly supersededBy = ['divergence'];

  constructor(private readonly objective?: ObjectiveValue) {}

  check(ctx: DetectorContext): Finding | undefined {
    const e = ctx.experiment;
    if (e.kind === 'network') {
      if (e.data.normalize) return undefined;
      const f = featureScales(ctx);
      if (!f || !(f.ratio * f.ratio > CONDITION)) return undefined;
      return {
        severity: 'warning',
        message: `Ill-conditioning: input feature scales differ by ${fmt(f.ratio)}×, so the loss curvature differs by about ${fmt(f.ratio * f.ratio)}× across directions. A learning rate small enough for the steep direction crawls along the flat one.`,
        path: '/data/normalize',
        evidence: { conditionEstimate: f.ratio * f.ratio, featureScaleRatio: f.ratio, source: 'input feature scales' },
        fixes: [
          { path: '/data/normalize', value: true, why: 'Standardized inputs make the curvature similar in every direction.' },
          { path: '/optimizer/name', value: 'adam', why: 'Adam rescales each coordinate by its gradient history.' },
        ],
        step: 0,
      };
    }
    if (!this.objective || ADAPTIVE.has(e.optimizer.name)) return undefined;
    const s = ctx.series;
    const n = s.pointX.length;
    if (n === 0) return undefined;
    const { l1, l2 } = hessian2(this.objective, s.pointX[n - 1], s.pointY[n - 1]);
    if (!(l1 > 0 && l2 / l1 > CONDITION)) return undefined;
    const lr = learningRate(ctx);
    return {
      severity: 'warning',
      message: `Ill-conditioning: at (${fmt(s.pointX[n - 1])}, ${fmt(s.pointY[n - 1])}) the curvature is ${fmt(l2)} in one direction and ${fmt(l1)} in the other (condition ${fmt(l2 / l1)}). Gradient descent zig-zags across the ravine and crawls along it.`,
      path: '/optimizer/name',
      evidence: { conditionEstimate: l2 / l1, lambdaMax: l2, lambdaMin: l1, stabilityLimit: 2 / l2, learningRate: lr, source: 'Hessian at the current point' },
      fixes: [
        { path: '/optimizer/name', value: 'adam', why: 'Adam rescales each coordinate, evening out the curvature.' },
        { path: '/optimizer/name', value: 'momentum', why: 'Momentum damps the zig-zag and accumulates speed along the ravine floor.' },
      ],
    };
  }
}

export class SaddlePointDetector implements Detector {
  readonly code = 'saddle-point';
  readonly supersededBy = ['divergence'];
  private maxGrad = 0;
  private seen = 0;

  constructor(private readonly objective?: ObjectiveValue) {}

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    for (; this.seen < s.length; this.seen++) if (Number.isFinite(s.gradNorm[this.seen])) this.maxGrad = Math.max(this.maxGrad, s.gradNorm[this.seen]);
    const n = s.pointX.length;
    if (!this.objective || n < SADDLE_STEPS || s.length !== n) return undefined;
    const g = median(s.gradNorm, n - SADDLE_STEPS, n);
    if (!(g < SMALL * this.maxGrad)) return undefined;
    const { l1, l2 } = hessian2(this.objective, s.pointX[n - 1], s.pointY[n - 1]);
    if (!(l1 < -NEG * Math.abs(l2))) return undefined;
    return {
      severity: 'warning',
      message: `Saddle point: near (${fmt(s.pointX[n - 1])}, ${fmt(s.pointY[n - 1])}) the gradient is ${fmt(g)} (${fmt(g / this.maxGrad)}× its largest) while the curvature is negative (${fmt(l1)}) in one direction: not a minimum. Plain gradient descent slows to a crawl here.`,
      path: '/objective/start',
      evidence: { gradNorm: g, lambdaMin: l1, lambdaMax: l2, point: [s.pointX[n - 1], s.pointY[n - 1]] },
      fixes: [
        { path: '/optimizer/name', value: 'adam', why: 'Adam normalizes the tiny escaping gradient component and leaves the saddle faster.' },
        { path: '/optimizer/name', value: 'momentum', why: 'Momentum carries the iterate through the flat region.' },
      ],
    };
  }
}
