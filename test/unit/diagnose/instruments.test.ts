import { strict as assert } from 'node:assert';
import { CurvatureProbe } from '../../../src/engine/instruments/curvature';
import { gradientCheck } from '../../../src/engine/instruments/gradientCheck';
import { Rng } from '../../../src/engine/random';
import { makeVariable, tf } from '../../../src/engine/tf';
import type { Problem } from '../../../src/engine/train/problem';

/** ½ Σ dᵢ θᵢ² (Hessian diag(d)), optionally trained with a gradient scaled by `wrong` (a hand-written bug). */
function quadratic(d: number[], wrong = 1): Problem {
  const theta = makeVariable(() => tf.tensor1d(d.map((_, i) => 1 + i)));
  const D = tf.tensor1d(d);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.mul(0.5, tf.sum(tf.mul(D, tf.square(x)))), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.mul(dy as tf.Tensor, tf.mul(wrong, tf.mul(D, x))) };
  });
  return {
    params: [theta], layerGroups: [], layerLabels: [], paramCount: d.length, totalSteps: 10, stepsPerEpoch: 1, tracksPoint: false,
    loss: () => f(theta) as tf.Scalar,
    dispose: () => {
      theta.dispose();
      D.dispose();
    },
  };
}

describe('diagnostic instruments (tfjs)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('curvature probe: both extreme eigenvalues, including a negative one, without leaking tensors', () => {
    const p = quadratic([4, 1, -0.5, 0.1]);
    const probe = new CurvatureProbe(p, new Rng(1));
    probe.measure(0, 0);
    const before = tf.memory().numTensors;
    let r = probe.measure(1, 0);
    for (let i = 0; i < 3; i++) r = probe.measure(2 + i, 0);
    assert.equal(tf.memory().numTensors, before, 'flat tensor count');
    assert.ok(Math.abs(r.lambdaMax - 4) < 0.05, `λmax ${r.lambdaMax}`);
    assert.ok(Math.abs(r.lambdaMin + 0.5) < 0.05, `λmin ${r.lambdaMin}`);
    assert.deepEqual(Array.from(p.params[0].dataSync()), [1, 2, 3, 4], 'parameters restored');
    probe.dispose();
    p.dispose();
  });

  it('gradient check: autodiff-consistent gradients pass, a hand-written gradient off by 2× is caught', () => {
    const good = quadratic([3, 2, 1]);
    const before = tf.memory().numTensors;
    const ok = gradientCheck(good, 0, new Rng(2), (_p, i) => `θ[${i}]`);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(ok.maxRelError < 1e-2, `${ok.maxRelError}`);
    good.dispose();
    const bad = quadratic([3, 2, 1], 2);
    const r = gradientCheck(bad, 0, new Rng(2), (_p, i) => `θ[${i}]`);
    assert.ok(r.maxRelError > 0.3, `${r.maxRelError}`);
    assert.ok(Math.abs(r.analytic / r.numeric - 2) < 0.05);
    bad.dispose();
  });
});
