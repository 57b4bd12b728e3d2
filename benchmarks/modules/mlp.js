// A one-hidden-layer network (or, with hidden: 0, a linear model) with a hand-written
// gradient, and switchable bugs in that gradient: the benchmark's incorrect-gradient cases.
// Softmax cross-entropy for classification data, mean squared error for regression data.
//
//   bug: undefined      — correct backpropagation
//        'transposed'   — reads W2 transposed on the way back to the hidden layer
//        'no-relu-mask' — forgets the activation's derivative (ReLU's 0/1 mask)
//        'missing-2'    — d(ŷ − y)²/dŷ written as (ŷ − y) instead of 2(ŷ − y)
'use strict';

exports.make = ({ hidden = 8, activation = 'tanh', bug } = {}) => {
  let regression = false;
  const act = activation === 'relu' ? (a) => Math.max(0, a) : Math.tanh;
  const dact = activation === 'relu' ? (h) => (h > 0 ? 1 : 0) : (h) => 1 - h * h;

  function forward(P, x, K) {
    const n = x.length, D = x[0].length, H = hidden;
    const h = new Float64Array(n * H);
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < H; j++) {
        let a = P.b1[j];
        for (let d = 0; d < D; d++) a += x[i][d] * P.W1[d * H + j];
        h[i * H + j] = act(a);
      }
      const src = H ? h.subarray(i * H, (i + 1) * H) : x[i];
      const W = H ? P.W2 : P.W;
      const b = H ? P.b2 : P.b;
      const z = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let a = b[k];
        for (let j = 0; j < src.length; j++) a += src[j] * W[j * K + k];
        z[k] = a;
      }
      if (regression) out.set(z, i * K);
      else {
        const m = Math.max(...z);
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(z[k] - m);
        for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(z[k] - m) / s;
      }
    }
    return { h, out };
  }

  function lossOf(out, y, K) {
    let l = 0;
    for (let i = 0; i < y.length; i++) l += regression ? (out[i] - y[i]) ** 2 : -Math.log(out[i * K + y[i]]);
    return l / y.length;
  }

  const outputs = (P) => (hidden ? P.b2.length : P.b.length);

  return {
    params(info) {
      regression = info.regression;
      const K = info.outputs;
      if (!hidden) return { W: { shape: [info.features, K], init: 'glorot' }, b: [K] };
      return {
        W1: { shape: [info.features, hidden], init: activation === 'relu' ? 'he' : 'glorot' },
        b1: { shape: [hidden], init: activation === 'relu' ? 0.1 : 'zeros' },
        W2: { shape: [hidden, K], init: 'glorot' },
        b2: [K],
      };
    },
    loss(P, x, y) {
      const K = outputs(P);
      return lossOf(forward(P, x, K).out, y, K);
    },
    gradient(P, x, y) {
      const K = outputs(P), n = x.length, D = x[0].length, H = hidden;
      const { h, out } = forward(P, x, K);
      const g = H
        ? { W1: new Float64Array(D * H), b1: new Float64Array(H), W2: new Float64Array(H * K), b2: new Float64Array(K) }
        : { W: new Float64Array(D * K), b: new Float64Array(K) };
      for (let i = 0; i < n; i++) {
        const dz = new Float64Array(K);
        for (let k = 0; k < K; k++) {
          dz[k] = regression
            ? ((bug === 'missing-2' ? 1 : 2) * (out[i * K + k] - y[i])) / n
            : (out[i * K + k] - (k === y[i] ? 1 : 0)) / n;
        }
        const src = H ? h.subarray(i * H, (i + 1) * H) : x[i];
        for (let k = 0; k < K; k++) {
          (H ? g.b2 : g.b)[k] += dz[k];
          for (let j = 0; j < src.length; j++) (H ? g.W2 : g.W)[j * K + k] += src[j] * dz[k];
        }
        for (let j = 0; j < H; j++) {
          let dh = 0;
          for (let k = 0; k < K; k++) dh += dz[k] * (bug === 'transposed' ? P.W2[k * H + j] : P.W2[j * K + k]);
          const da = bug === 'no-relu-mask' ? dh : dh * dact(h[i * H + j]);
          g.b1[j] += da;
          for (let d = 0; d < D; d++) g.W1[d * H + j] += x[i][d] * da;
        }
      }
      return g;
    },
    predict(P, x) {
      const K = outputs(P);
      const { out } = forward(P, x, K);
      return x.map((_, i) => out.subarray(i * K, (i + 1) * K));
    },
  };
};
