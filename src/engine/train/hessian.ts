/**
 * The Hessian of the loss with respect to all parameters, for Newton's method.
 *
 * - `exact`: reverse-over-reverse autodiff, row i = ∇(∂L/∂θᵢ), one second backward pass per
 *   parameter (tfjs has no forward mode). Only valid when every op's gradient is itself
 *   differentiable in tfjs: ops whose gradient reads a saved *output* (tanh, sigmoid, exp,
 *   logSoftmax…) save a copy that is not on the tape, so a second pass either throws or, worse,
 *   silently drops terms (the unit tests show both). The 2-D objectives are polynomials (square,
 *   mul, add, split) and are exact.
 * - `finiteDifference`: central differences of the autodiff gradient, column i =
 *   (∇L(θ + hᵢeᵢ) − ∇L(θ − hᵢeᵢ)) / 2hᵢ with hᵢ = 1e-3·max(1, |θᵢ|): near ε^(1/3) of float32,
 *   the step that balances truncation and rounding (≈ 1e-4 relative accuracy). Used for networks.
 * Either way it costs O(n) passes over the data, which is why Newton is limited to small problems.
 */
import { tf } from '../tf';

export type HessianMethod = 'exact' | 'finiteDifference';

/** Row-major n×n Hessian in float64, symmetrized (the rows agree only to rounding). */
export function hessian(params: tf.Variable[], loss: () => tf.Scalar, method: HessianMethod = 'exact'): Float64Array {
  const n = params.reduce((s, p) => s + p.size, 0);
  const h = method === 'exact' ? exactRows(params, loss) : differenceColumns(params, loss);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (h[i * n + j] + h[j * n + i]);
      h[i * n + j] = s;
      h[j * n + i] = s;
    }
  }
  return h;
}

function flatGrad(params: tf.Variable[], loss: () => tf.Scalar): tf.Tensor {
  const { grads } = tf.variableGrads(loss, params);
  // A parameter the loss does not depend on has no entry: its gradient is zero.
  return tf.concat(params.map((p) => tf.reshape(grads[p.name] ?? tf.zerosLike(p), [-1])));
}

function exactRows(params: tf.Variable[], loss: () => tf.Scalar): Float64Array {
  const packed = tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    params.forEach((pj) => {
      for (let k = 0; k < pj.size; k++) {
        const { grads } = tf.variableGrads(() => {
          const { grads: g } = tf.variableGrads(loss, params);
          return tf.sum(tf.slice(tf.reshape(g[pj.name], [-1]), [k], [1])) as tf.Scalar;
        }, params);
        rows.push(tf.concat(params.map((p) => tf.reshape(grads[p.name] ?? tf.zerosLike(p), [-1]))));
      }
    });
    return tf.stack(rows);
  });
  const h = Float64Array.from(packed.dataSync());
  packed.dispose();
  return h;
}

function differenceColumns(params: tf.Variable[], loss: () => tf.Scalar): Float64Array {
  const n = params.reduce((s, p) => s + p.size, 0);
  const h = new Float64Array(n * n);
  let col = 0;
  params.forEach((p) => {
    const original = tf.keep(p.clone());
    const values = p.dataSync().slice();
    try {
      for (let k = 0; k < p.size; k++, col++) {
        const step = 1e-3 * Math.max(1, Math.abs(values[k]));
        const at = (delta: number): Float32Array => {
          const v = values.slice();
          v[k] += delta;
          p.assign(tf.tidy(() => tf.tensor(v, p.shape)));
          const g = tf.tidy(() => flatGrad(params, loss));
          const out = g.dataSync() as Float32Array;
          g.dispose();
          return out;
        };
        const plus = at(step);
        const minus = at(-step);
        // Divide by the step actually taken in float32, not the intended one.
        const taken = Math.fround(values[k] + step) - Math.fround(values[k] - step);
        for (let r = 0; r < n; r++) h[r * n + col] = (plus[r] - minus[r]) / taken;
      }
    } finally {
      p.assign(original);
      original.dispose();
    }
  });
  return h;
}
