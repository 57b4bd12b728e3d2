// Backpropagation by hand, WITH A BUG: a 2-layer network (tanh hidden layer, softmax output, cross-entropy)
// with its gradient written out, as in a backprop exercise. The experiment
// backprop-exercise-buggy.optim.json trains it; Optimizer Debugger checks gradient() against centered
// finite differences of loss() (a bug shows as "incorrect-gradient").
//
// gradient() has ONE deliberate bug, a transposed index on the way back to the hidden layer.
// Run the experiment, read the diagnosis (which parameter, how far off), then find and fix it:
// the fixed module is backprop-exercise.js.
//
// Conventions (see README, "Custom model modules"): parameters are flat, row-major
// Float64Arrays; x[i] is example i's features, y[i] its class index; loss() is the MEAN over the
// batch and gradient() returns its derivative for every parameter, flat and row-major.
'use strict';

const HIDDEN = 8;

/** Forward pass: hidden activations h [n, H], class probabilities p [n, K], mean cross-entropy. */
function forward(P, x, y, H, K) {
  const n = x.length;
  const D = x[0].length;
  const h = new Float64Array(n * H);
  const p = new Float64Array(n * K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      let a = P.b1[j];
      for (let d = 0; d < D; d++) a += x[i][d] * P.W1[d * H + j];
      h[i * H + j] = Math.tanh(a);
    }
    let max = -Infinity;
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let a = P.b2[k];
      for (let j = 0; j < H; j++) a += h[i * H + j] * P.W2[j * K + k];
      z[k] = a;
      max = Math.max(max, a);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
    for (let k = 0; k < K; k++) p[i * K + k] = Math.exp(z[k] - max) / sum;
    if (y) loss -= Math.log(p[i * K + y[i]]);
  }
  return { h, p, loss: loss / n };
}

module.exports = {
  // Called with the data's shape: features (2 for xor) and outputs (2 classes).
  params: (info) => ({
    W1: { shape: [info.features, HIDDEN], init: 'glorot' },
    b1: { shape: [HIDDEN], init: 'zeros' },
    W2: { shape: [HIDDEN, info.outputs], init: 'glorot' },
    b2: { shape: [info.outputs], init: 'zeros' },
  }),

  loss(P, x, y) {
    return forward(P, x, y, HIDDEN, P.b2.length).loss;
  },

  gradient(P, x, y) {
    const n = x.length;
    const D = x[0].length;
    const H = HIDDEN;
    const K = P.b2.length;
    const { h, p } = forward(P, x, y, H, K);
    const g = { W1: new Float64Array(D * H), b1: new Float64Array(H), W2: new Float64Array(H * K), b2: new Float64Array(K) };
    for (let i = 0; i < n; i++) {
      // dL/dz = (p − onehot(y)) / n for the mean softmax cross-entropy.
      const dz = new Float64Array(K);
      for (let k = 0; k < K; k++) dz[k] = (p[i * K + k] - (k === y[i] ? 1 : 0)) / n;
      for (let k = 0; k < K; k++) {
        g.b2[k] += dz[k];
        for (let j = 0; j < H; j++) g.W2[j * K + k] += h[i * H + j] * dz[k];
      }
      for (let j = 0; j < H; j++) {
        // dL/dh = dz · W2ᵀ, then through tanh: tanh'(a) = 1 − tanh(a)².
        let dh = 0;
        for (let k = 0; k < K; k++) dh += dz[k] * P.W2[k * H + j];
        const da = dh * (1 - h[i * H + j] * h[i * H + j]);
        g.b1[j] += da;
        for (let d = 0; d < D; d++) g.W1[d * H + j] += x[i][d] * da;
      }
    }
    return g;
  },

  // Class probabilities per example: the panel's accuracy.
  predict(P, x) {
    const K = P.b2.length;
    const { p } = forward(P, x, null, HIDDEN, K);
    return x.map((_, i) => p.subarray(i * K, (i + 1) * K));
  },
};
