import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate, Memo } from '../detector';
import { fmt, median, niceRate } from '../stats';
import type { RunSeries } from '../series';
import { featureScales } from './inputs';

/**
 * `vanishing-gradient` and `exploding-gradient` from gradient norms.
 *
 * Vanishing (AUTOTRAINER and SageMaker compare layers the same way): in a net with at least
 * MIN_HIDDEN hidden layers, the first layer's gradient norm is below VANISH × the output layer's,
 * as the median over the last WINDOW steps (a sustained gap, not one step).
 * Exploding: the median global gradient norm over the last WINDOW steps exceeds GROWTH × its median
 * over the first WINDOW steps, or the first layer's gradient exceeds 1/VANISH × the last's, or it
 * stays above HUGE × max(1, √loss) with well-scaled inputs. A mean loss's gradient is O(√loss·|x|)
 * in a well-scaled net (O(1) for cross-entropy at a sane init); HUGE × that means the layer
 * Jacobians multiplied up (a deep ReLU net with 4× He scale starts at ≈ 100×). Unnormalized inputs
 * explain large gradients on their own and have their own diagnosis, so they are excluded.
 * Both are superseded by divergence, which says more.
 */
const WINDOW = 10;
const MIN_HIDDEN = 2;
const VANISH = 1e-2;
const GROWTH = 1e3;
const HUGE = 50;

/** layerRatio of each series at its record count: the two detectors here ask for it at every check. */
const ratios = new WeakMap<RunSeries, { total: number; ratio: number }>();

function layerRatio(ctx: DetectorContext): number {
  const s = ctx.series;
  let hit = ratios.get(s);
  if (!hit) ratios.set(s, (hit = { total: -1, ratio: NaN }));
  if (hit.total !== s.total) {
    hit.ratio = computeLayerRatio(ctx);
    hit.total = s.total;
  }
  return hit.ratio;
}

function computeLayerRatio(ctx: DetectorContext): number {
  const g = ctx.series.layerGradNorm;
  const n = ctx.series.length;
  if (g.length < MIN_HIDDEN + 1 || n < WINDOW) return NaN;
  const first = median(g[0], n - WINDOW, n);
  const last = median(g[g.length - 1], n - WINDOW, n);
  return last > 0 ? first / last : NaN;
}

export class VanishingGradientDetector implements Detector {
  readonly code = 'vanishing-gradient';
  // Dead ReLUs pass exactly zero gradient: that is their diagnosis, not a vanishing one.
  readonly supersededBy = ['divergence', 'dead-units'];

  check(ctx: DetectorContext): Finding | undefined {
    const e = ctx.experiment;
    if (e.kind !== 'network') return undefined;
    const ratio = layerRatio(ctx);
    if (!(ratio < VANISH)) return undefined;
    const n = ctx.series.length;
    const norms = ctx.series.layerGradNorm.map((g) => median(g, n - WINDOW, n));
    const acts = [...new Set(e.model.layers.map((l) => l.activation))].join('/');
    return {
      severity: 'warning',
      message: `Vanishing gradients: the first layer's gradient is ${fmt(ratio)}× the output layer's (per-layer norms ${norms.map(fmt).join(', ')}). Early layers barely learn through ${e.model.layers.length} ${acts} layers.`,
      path: '/model/layers/0/activation',
      evidence: { ratioFirstToLast: ratio, layerGradNorms: norms, depth: e.model.layers.length },
      fixes: [
        { path: '/model/layers/0/activation', value: 'relu', why: 'ReLU passes gradients through unchanged where active; sigmoid scales them by at most 0.25 per layer.' },
        { path: '/model/init/scheme', value: 'he', why: 'He initialization keeps the gradient scale across ReLU layers.' },
      ],
    };
  }
}

export class ExplodingGradientDetector implements Detector {
  readonly code = 'exploding-gradient';
  readonly supersededBy = ['divergence'];
  /** The first WINDOW kept norms' median: it changes only when the series drops records. */
  private readonly early = new Memo<number>();

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    const n = s.length;
    if (n < 2 * WINDOW) return undefined;
    const early = this.early.get(s.offset, () => median(s.gradNorm, 0, WINDOW));
    const late = median(s.gradNorm, n - WINDOW, n);
    const growth = late / Math.max(early, 1e-30);
    const ratio = layerRatio(ctx);
    // The loss matters only to a finding or to `huge`, which needs late > HUGE (the bound is ≥ HUGE): most checks skip it.
    const scaled = late > HUGE && ctx.experiment.kind === 'network' && (ctx.experiment.data.normalize || (featureScales(ctx)?.maxStd ?? 1) <= 10);
    if (!(growth > GROWTH || ratio > 1 / VANISH || scaled)) return undefined;
    const lossNow = Math.abs(median(s.loss, n - WINDOW, n));
    const huge = scaled && late > HUGE * Math.max(1, Math.sqrt(lossNow));
    if (!(growth > GROWTH || ratio > 1 / VANISH || huge)) return undefined;
    const lr = learningRate(ctx);
    return {
      severity: 'warning',
      message: growth > GROWTH
        ? `Exploding gradients: the gradient norm grew from ${fmt(early)} to ${fmt(late)} (${fmt(growth)}×). Decrease the learning rate or the initial weight scale.`
        : ratio > 1 / VANISH
          ? `Exploding gradients: the first layer's gradient is ${fmt(ratio)}× the output layer's. Decrease the initial weight scale.`
          : `Exploding gradients: the gradient norm is ${fmt(late)} at a loss of ${fmt(lossNow)} (≈ ${fmt(late / Math.max(1, Math.sqrt(lossNow)))}× what a well-scaled network has). The layers multiply the signal up; decrease the initial weight scale.`,
      path: growth > GROWTH ? '/optimizer/learningRate' : '/model/init/scale',
      evidence: { earlyGradNorm: early, lateGradNorm: late, growth, loss: lossNow, ratioFirstToLast: Number.isNaN(ratio) ? null : ratio, learningRate: lr },
      fixes: [
        { path: '/optimizer/learningRate', value: niceRate(lr / 10), why: 'Smaller steps keep the iterate out of steep regions where gradients blow up.' },
        ...(ctx.experiment.kind === 'network' ? [{ path: '/model/init/scale', value: shrunkScale(ctx.experiment.model.init.scale, late / Math.max(1, Math.sqrt(lossNow)), ctx.experiment.model.layers.length + 1), why: 'Smaller initial weights shrink the product of layer Jacobians (the gradient scales like scale^depth).' }] : []),
      ],
    };
  }
}

/** The init scale that brings a gradient `excess`× too large back to normal over `depth` layers (at most half the current one). */
function shrunkScale(scale: number, excess: number, depth: number): number {
  const f = excess > 1 ? Math.min(0.5, excess ** (-1 / depth)) : 0.5;
  return Number((scale * f).toPrecision(2));
}
