import type { FixDraft } from '../fixes';
import type { Detector, DetectorContext, Finding } from '../detector';
import { isMinibatch, learningRate } from '../detector';
import { fmt, mean, niceRate, signSwitchRate } from '../stats';
import { hessian2, type ObjectiveValue } from './curvature';

/**
 * `oscillation`: the loss or the parameters zig-zag because the step is too large for the
 * curvature across a valley (recap: "decrease α; momentum").
 *
 * Two independent signs, over the last WINDOW records:
 * - loss zig-zag (deterministic runs only: full batch or objectives, where minibatch noise cannot
 *   fake it): sign-switch rate of loss deltas ≥ SWITCH (white noise gives 2/3, a descent ≈ 0), with
 *   deltas that matter (mean |Δ| ≥ AMPLITUDE × mean loss);
 * - update zig-zag: mean cosine between successive updates ≤ COSINE (a step that undoes the last one).
 * Edge of stability (loss bumpy but falling on average) is reported here, not as divergence.
 * When the curvature is known (the 2×2 Hessian of an objective, the engine's λ_max estimate for a
 * network) the evidence carries the sharpness against gradient descent's limit 2/α, and the fix
 * is α = 1/λ_max, the step that is stable in the sharpest direction with room to spare.
 */
const WINDOW = 30;
const SWITCH = 0.75;
const AMPLITUDE = 1e-3;
const COSINE = -0.5;

export class OscillationDetector implements Detector {
  readonly code = 'oscillation';
  readonly supersededBy = ['divergence'];

  constructor(private readonly objective?: ObjectiveValue) {}

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    const n = s.length;
    if (n < WINDOW) return undefined;
    const from = n - WINDOW;
    let switchRate = NaN;
    let amplitude = NaN;
    if (!isMinibatch(ctx)) {
      switchRate = signSwitchRate(s.loss, from, n);
      let d = 0;
      for (let i = from + 1; i < n; i++) d += Math.abs(s.loss[i] - s.loss[i - 1]);
      amplitude = d / (WINDOW - 1) / Math.max(Math.abs(mean(s.loss, from, n)), 1e-12);
    }
    const cosine = updateCosines(ctx, from, n);
    const lossZigzag = switchRate >= SWITCH && amplitude >= AMPLITUDE;
    const updateZigzag = cosine <= COSINE;
    if (!lossZigzag && !updateZigzag) return undefined;
    const lr = learningRate(ctx);
    const opt = ctx.experiment.optimizer.name;
    const how = lossZigzag
      ? `the loss goes up and down on ${Math.round(switchRate * 100)} % of steps`
      : `successive updates point in opposite directions (mean cosine ${fmt(cosine)})`;
    const sharp = sharpness(ctx, this.objective);
    const eos = sharp !== undefined && sharp * lr > 1.5 && sharp * lr < 2.5 && mean(s.loss, n - 5, n) < mean(s.loss, from, from + 5);
    const target = sharp !== undefined && sharp > 0 && 1 / sharp < lr ? niceRate(1 / sharp) : niceRate(lr / 2);
    const fixes: FixDraft[] = [{ path: '/optimizer/learningRate', value: target, why: sharp !== undefined ? `The sharpest curvature is ${fmt(sharp)}: α = 1/λ_max is stable across the valley (gradient descent oscillates above 2/λ_max = ${fmt(2 / sharp)}).` : 'A smaller step stops overshooting across the valley.' }];
    if (opt === 'sgd') fixes.push({ path: '/optimizer/name', value: 'momentum', why: 'Momentum averages out the back-and-forth and keeps the motion along the valley.' });
    return {
      severity: 'warning',
      message: `Oscillation: ${how} over the last ${WINDOW} steps with learning rate ${fmt(lr)}${sharp !== undefined ? ` (sharpness ${fmt(sharp)} vs the stability limit 2/α = ${fmt(2 / lr)})` : ''}.${eos ? ' The run is at the edge of stability: the loss still falls on average, so this is not divergence.' : ''} Decrease the learning rate${opt === 'sgd' ? ' or add momentum' : ''}.`,
      path: '/optimizer/learningRate',
      evidence: { window: WINDOW, signSwitchRate: Number.isNaN(switchRate) ? null : switchRate, relativeAmplitude: Number.isNaN(amplitude) ? null : amplitude, updateCosine: Number.isNaN(cosine) ? null : cosine, learningRate: lr, sharpness: sharp ?? null, stabilityLimit: 2 / lr, edgeOfStability: eos },
      fixes,
    };
  }
}

/** Mean cosine of successive updates: from the engine's record, or from the objective's points. */
function updateCosines(ctx: DetectorContext, from: number, n: number): number {
  const s = ctx.series;
  if (s.pointX.length === n) {
    let sum = 0;
    let k = 0;
    for (let i = Math.max(from, 1) + 1; i < n; i++) {
      const ax = s.pointX[i - 1] - s.pointX[i - 2], ay = s.pointY[i - 1] - s.pointY[i - 2];
      const bx = s.pointX[i] - s.pointX[i - 1], by = s.pointY[i] - s.pointY[i - 1];
      const na = Math.hypot(ax, ay), nb = Math.hypot(bx, by);
      if (na === 0 || nb === 0) continue;
      sum += (ax * bx + ay * by) / (na * nb);
      k++;
    }
    return k > 0 ? sum / k : NaN;
  }
  let sum = 0;
  let k = 0;
  for (let i = from; i < n; i++) {
    const c = s.updateCosine[i];
    if (Number.isFinite(c)) {
      sum += c;
      k++;
    }
  }
  return k >= WINDOW / 2 ? sum / k : NaN;
}

/** λ_max now: the objective's exact 2×2 Hessian at the last point, or the network's latest estimate. */
function sharpness(ctx: DetectorContext, objective: ObjectiveValue | undefined): number | undefined {
  const s = ctx.series;
  if (objective && s.pointX.length > 0) {
    const n = s.pointX.length;
    const l2 = hessian2(objective, s.pointX[n - 1], s.pointY[n - 1]).l2;
    return Number.isFinite(l2) ? l2 : undefined;
  }
  const r = s.curvature[s.curvature.length - 1];
  return r && Number.isFinite(r.lambdaMax) ? r.lambdaMax : undefined;
}
