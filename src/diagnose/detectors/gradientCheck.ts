import type { Detector, DetectorContext, Finding } from '../detector';
import { fmt } from '../stats';

/**
 * `incorrect-gradient`: the gradient used for training disagrees with centered finite differences
 * (recap: "incorrect gradients → finite differences; fix them, or use autodiff").
 *
 * The engine's check (`training.gradientCheck`, or a model module with a hand-written gradient)
 * reports the worst relative error |g − ĝ| / max(|g|, |ĝ|, 1e-2·max|g|) over sampled coordinates.
 * In float32 with h = 5e-3 a correct gradient stays around 1e-3 (up to ~3e-2 when a ReLU kink lies
 * within h); a bug such as a missing factor 2, a wrong sign or a transposed term gives ≥ 0.3. It
 * holds when the error exceeds TOLERANCE in at least CONFIRM checks (all of them if fewer ran by the end),
 * so one coordinate straddling a kink cannot raise it.
 */
const TOLERANCE = 0.1;
const CONFIRM = 2;

export class IncorrectGradientDetector implements Detector {
  readonly code = 'incorrect-gradient';

  check(ctx: DetectorContext): Finding | undefined {
    const checks = ctx.series.gradientChecks;
    if (checks.length === 0) return undefined;
    const bad = checks.filter((c) => c.maxRelError > TOLERANCE);
    // Fewer checks than CONFIRM can only decide once the run is over (the monitor keeps findings).
    if (bad.length < CONFIRM && !(ctx.summary && bad.length > 0 && bad.length === checks.length)) return undefined;
    const worst = bad.reduce((a, b) => (b.maxRelError > a.maxRelError ? b : a));
    const custom = ctx.experiment.kind === 'network' && ctx.experiment.model.module !== undefined;
    return {
      severity: 'error',
      message: `Incorrect gradient: at ${worst.parameter} the gradient used for training is ${fmt(worst.analytic)} but centered finite differences give ${fmt(worst.numeric)} (relative error ${fmt(worst.maxRelError)}; ${bad.length} of ${checks.length} checks failed). ${custom ? 'The hand-written gradient of the model module has a bug.' : 'The gradient does not match the loss.'}`,
      path: custom ? '/model/module' : '/training/gradientCheck',
      evidence: { maxRelError: worst.maxRelError, parameter: worst.parameter, analytic: worst.analytic, numeric: worst.numeric, failedChecks: bad.length, checks: checks.length, step: worst.step },
      fixes: custom
        ? [{ path: '/model/module', value: null, title: 'Use the built-in model (autodiff)', why: 'Autodiff computes the exact gradient of the loss; remove "module" to train the built-in MLP, or fix the gradient function.' }]
        : [],
      step: bad[0].step,
    };
  }
}
