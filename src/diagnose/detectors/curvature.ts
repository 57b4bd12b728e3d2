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
 *   out at ≈ 3.7 % of it), over the last SADDLE_STEPS records, while the iterate lingers (moved
 *   less than SMALL × its largest step per step: momentum coasting through is not stuck).
 * Networks: the input covariance of a linear layer has condition ≈ (std ratio)², so unnormalized
 *   features with a std ratio above √CONDITION mean an ill-conditioned problem. For models without
 *   hidden layers (linear/logistic regression, convex) the engine's Hessian eigenvalue estimates
 *   (power iteration on Hessian-vector products) give the condition λ_max/λ_min directly, when
 *   λ_min > ZERO·λ_max: below that the float32 estimate cannot tell a tiny eigenvalue from a zero
 *   one (a batch-1 minibatch Hessian is singular), so a condition beyond 1/ZERO = 10⁴ is left to
 *   the feature-scale test above, which sees its usual cause, unnormalized inputs. With
 *   hidden layers λ_min ≈ 0 is normal (flat, redundant directions), so the Hessian's condition
 *   is not used there; a trained healthy MLP reaches λ_max/λ_min of several hundred.
 * - saddle-point (networks): λ_min < −NEG_NET·|λ_max| (as for objectives; float32 noise is ~1e-7) in the latest estimate while the gradient is
 *   small (below SMALL × the largest the probe measured, or too small to change the loss: α·‖g‖² < STILL·loss) and
 *   the loss is flat over FLAT_STEPS steps and still above HIGH × its start (a tiny-initialized tanh net sits at the saddle θ = 0).
 */
const CONDITION = 100;
const NEG = 1e-3;
const SMALL = 5e-2;
const SADDLE_STEPS = 5;
const NEG_NET = 1e-3;
const HIGH = 0.5;
const STILL = 1e-4;
const FLAT_STEPS = 30;
const FLAT = 0.01;
/**
 * Below ZERO·λ_max a λ_min estimate is a zero eigenvalue seen through float32 central differences
 * (±1e-6·λ_max on a batch-1 regression, whose minibatch Hessian has rank 1), not a condition number.
 */
const ZERO = 1e-4;

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
      const h = e.model.layers.length === 0 && !ADAPTIVE.has(e.optimizer.name) ? hessianCondition(ctx) : undefined;
      if (h) return h;
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

/** Condition λ_max/λ_min of a convex model's Hessian from the engine's estimates (median of the last few). */
function hessianCondition(ctx: DetectorContext): Finding | undefined {
  const recs = ctx.series.curvature.slice(-3);
  if (recs.length === 0 || !recs.every((r) => r.lambdaMin > ZERO * r.lambdaMax && r.lambdaMax / r.lambdaMin > CONDITION)) return undefined;
  const cond = median(recs.map((r) => r.lambdaMax / r.lambdaMin));
  const last = recs[recs.length - 1];
  const f = featureScales(ctx);
  const normalized = ctx.experiment.kind === 'network' && ctx.experiment.data.normalize;
  return {
    severity: 'warning',
    message: `Ill-conditioning: the loss curvature ranges from ${fmt(last.lambdaMin)} to ${fmt(last.lambdaMax)} across directions (condition ≈ ${fmt(cond)}). Gradient descent needs α < 2/λ_max = ${fmt(2 / last.lambdaMax)} and then crawls along the flat directions.`,
    path: normalized ? '/optimizer/name' : '/data/normalize',
    evidence: { conditionEstimate: cond, lambdaMax: last.lambdaMax, lambdaMin: last.lambdaMin, stabilityLimit: 2 / last.lambdaMax, featureScaleRatio: f ? f.ratio : null, source: 'Hessian eigenvalue estimates' },
    fixes: [
      ...(normalized ? [] : [{ path: '/data/normalize', value: true, why: 'Standardized inputs make the curvature similar in every direction.' }]),
      { path: '/optimizer/name', value: 'adam', why: 'Adam rescales each coordinate by its gradient history.' },
      { path: '/optimizer/name', value: 'momentum', why: 'Momentum speeds up the flat directions and damps the zig-zag in the steep ones.' },
    ],
    step: recs[0].step,
  };
}

export class SaddlePointDetector implements Detector {
  readonly code = 'saddle-point';
  readonly supersededBy = ['divergence'];
  constructor(private readonly objective?: ObjectiveValue) {}

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    if (ctx.experiment.kind === 'network') return this.network(ctx);
    const n = s.pointX.length;
    if (!this.objective || n < SADDLE_STEPS || s.length !== n) return undefined;
    const g = median(s.gradNorm, n - SADDLE_STEPS, n);
    if (!(g < SMALL * s.maxGradNorm)) return undefined;
    // The iterate must linger too: momentum coasts through regions of small gradient at full speed.
    const moved = Math.hypot(s.pointX[n - 1] - s.pointX[n - SADDLE_STEPS], s.pointY[n - 1] - s.pointY[n - SADDLE_STEPS]);
    if (!(moved < SMALL * (SADDLE_STEPS - 1) * s.maxPointMove)) return undefined;
    const { l1, l2 } = hessian2(this.objective, s.pointX[n - 1], s.pointY[n - 1]);
    if (!(l1 < -NEG * Math.abs(l2))) return undefined;
    return {
      severity: 'warning',
      message: `Saddle point: near (${fmt(s.pointX[n - 1])}, ${fmt(s.pointY[n - 1])}) the gradient is ${fmt(g)} (${fmt(g / s.maxGradNorm)}× its largest) while the curvature is negative (${fmt(l1)}) in one direction: not a minimum. Plain gradient descent slows to a crawl here.`,
      path: '/objective/start',
      evidence: { gradNorm: g, lambdaMin: l1, lambdaMax: l2, point: [s.pointX[n - 1], s.pointY[n - 1]] },
      fixes: [
        { path: '/optimizer/name', value: 'adam', why: 'Adam normalizes the tiny escaping gradient component and leaves the saddle faster.' },
        { path: '/optimizer/name', value: 'momentum', why: 'Momentum carries the iterate through the flat region.' },
      ],
    };
  }

  private network(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    const r = s.curvature[s.curvature.length - 1];
    const n = s.length;
    // λ_max ≤ 0 means no curvature worth the name (a saturated, flat region: float noise either way).
    if (!r || n < FLAT_STEPS || !(r.lambdaMax > 0 && r.lambdaMin < -NEG_NET * r.lambdaMax)) return undefined;
    const lr = learningRate(ctx);
    // Compared with the probe's own earlier gradients (same batch): minibatch gradients are noisier.
    const maxProbe = Math.max(...s.curvature.map((c) => (Number.isFinite(c.gradNorm) ? c.gradNorm : 0)));
    const small = r.gradNorm < SMALL * maxProbe || lr * r.gradNorm ** 2 < STILL * Math.abs(r.loss);
    const a = median(s.loss, n - FLAT_STEPS, n - FLAT_STEPS + 5);
    const b = median(s.loss, n - 5, n);
    const start = s.initialLoss();
    // A saddle worth reporting holds the run up at a high loss; slight negative curvature near a good minimum is not one.
    if (!small || !(Math.abs(a - b) < FLAT * Math.max(Math.abs(b), 1e-12)) || !(b > HIGH * start)) return undefined;
    return {
      severity: 'warning',
      message: `Saddle point: at step ${r.step} the gradient norm is ${fmt(r.gradNorm)} and the loss has stayed at ${fmt(b)}, yet the curvature is negative (λ_min ≈ ${fmt(r.lambdaMin)}, λ_max ≈ ${fmt(r.lambdaMax)}): a saddle, not a minimum. Plain gradient descent leaves it very slowly.`,
      path: '/model/init/scale',
      evidence: { gradNorm: r.gradNorm, lambdaMin: r.lambdaMin, lambdaMax: r.lambdaMax, loss: b, step: r.step, learningRate: lr },
      fixes: [
        { path: '/model/init/scale', value: 1, why: 'Weights near zero put a network at the saddle θ = 0; a standard initial scale starts it away from it.' },
        { path: '/optimizer/name', value: 'adam', why: 'Adam normalizes the tiny escaping gradient and leaves the saddle faster.' },
      ],
      step: r.step,
    };
  }
}
